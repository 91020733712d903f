// Inputs a parser must refuse, and the checks the suites make of a refusal
// (tests only).
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "core/status.h"

namespace respect {
namespace test_refusal {

struct Refusal {
  const char* input;
  const char* expect;  // part of the message
};

// parse(input) fails with a one-line message holding `expect`; with an
// `origin`, the error is invalid input and the message starts with `origin`.
template <class Parse>
void ExpectRefused(const Refusal& r, Parse parse, const std::string& origin = "") {
  auto got = parse(r.input);
  ASSERT_FALSE(got.ok()) << r.input;
  const Status& st = got.status();
  EXPECT_NE(st.message().find(r.expect), std::string::npos) << st.message();
  EXPECT_EQ(st.message().find('\n'), std::string::npos) << st.message();
  if (origin.empty()) return;
  EXPECT_EQ(st.code(), StatusCode::kInvalidInput);
  EXPECT_EQ(st.message().rfind(origin, 0), 0u) << st.message();
}

}  // namespace test_refusal
}  // namespace respect
