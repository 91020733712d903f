graph [
  directed 1
  name "bench[
  node [
    id 0
   edgeel "0"
    parameter 0  ]
  node [
    id 1
    ge [
    sv&amp;bn"
    parameter 4096
    outpuv_bytes 100
  ]
  node [
    id 2
    label "2"
    parameter 1.5E3
  ]
  edge [
    source 0
    target 1
    paramete [
    source 0
    target 1
    paarget 2
  ]
]
