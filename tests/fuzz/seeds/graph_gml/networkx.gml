graph [
  directed 1
  name "bench"
  node [
    id 0
    label "0"
    parameter 0
  ]
  node [
    id 1
    label "conv&amp;bn"
    parameter 4096
    output_bytes 100
  ]
  node [
    id 2
    label "2"
    parameter 1.5E3
  ]
  edge [
    source 0
    target 1
    parameter 7
  ]
  edge [
    source 1
    target 2
  ]
]
