// The segmenter's option-table descriptors agree with the schema: names in
// union type-id order (generated code), slot counts and offset slots (parsed
// from src/tflite/tflite_schema.fbs).
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <regex>
#include <sstream>

#include "deploy/option_tables.h"
#include "tflite_schema_generated.h"

namespace respect {
namespace {

struct FbsField {
  std::string name, type;
};

// table name -> fields in slot order (unions count two slots).
std::map<std::string, std::vector<FbsField>> ParseTables(const std::string& text,
                                                         std::map<std::string, bool>* is_union) {
  std::string s;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) s += line.substr(0, line.find("//")) + "\n";
  s = std::regex_replace(s, std::regex(R"(\([^)]*\))"), "");  // attributes
  std::map<std::string, std::vector<FbsField>> out;
  std::regex union_re(R"(union\s+(\w+)\s*\{)");
  for (std::sregex_iterator it(s.begin(), s.end(), union_re), end; it != end; ++it) (*is_union)[(*it)[1]] = true;
  std::regex table_re(R"(table\s+(\w+)\s*\{([^}]*)\})");
  std::regex field_re(R"((\w+)\s*:\s*([\[\]\w]+))");
  for (std::sregex_iterator it(s.begin(), s.end(), table_re), end; it != end; ++it) {
    std::vector<FbsField> fields;
    const std::string body = (*it)[2];
    for (std::sregex_iterator f(body.begin(), body.end(), field_re), fe; f != fe; ++f) {
      const std::string type = (*f)[2];
      if (is_union->count(type)) fields.push_back({std::string((*f)[1]) + "_type", "ubyte"});
      fields.push_back({(*f)[1], type});
    }
    out[(*it)[1]] = fields;
  }
  return out;
}

void CheckUnion(const char* const* names, int count, const OptionsTableDesc* (*desc)(uint8_t),
                const std::map<std::string, std::vector<FbsField>>& tables) {
  for (int type = 1; type <= count; ++type) {
    const OptionsTableDesc* d = desc(static_cast<uint8_t>(type));
    ASSERT_NE(d, nullptr) << "type " << type;
    EXPECT_STREQ(d->name, names[type]) << "type " << type;
    auto it = tables.find(d->name);
    ASSERT_NE(it, tables.end()) << d->name;
    const auto& fields = it->second;
    EXPECT_EQ(d->slots, fields.size()) << d->name;
    // Offset slots are exactly the vector and string fields.
    std::vector<int> want;
    for (size_t i = 0; i < fields.size(); ++i)
      if (fields[i].type == "string" || fields[i].type[0] == '[') want.push_back(static_cast<int>(i));
    std::vector<int> got;
    for (const auto& f : d->offsets) got.push_back(f.slot);
    EXPECT_EQ(got, want) << d->name;
  }
  EXPECT_EQ(desc(static_cast<uint8_t>(count + 1)), nullptr);
  EXPECT_EQ(desc(0), nullptr);
}

TEST(TfliteSchema, OptionDescriptorsMatchTheSchema) {
  std::ifstream f(std::string(RESPECT_SOURCE_DIR) + "/src/tflite/tflite_schema.fbs");
  ASSERT_TRUE(f) << "schema file not found";
  std::stringstream ss;
  ss << f.rdbuf();
  std::map<std::string, bool> unions;
  const auto tables = ParseTables(ss.str(), &unions);
  ASSERT_GT(tables.size(), 150u);
  EXPECT_EQ(tables.at("Operator").size(), 14u);  // incl. two union type slots
  EXPECT_EQ(tables.at("Tensor").size(), 10u);
  EXPECT_EQ(tables.at("Buffer").size(), 3u);
  EXPECT_EQ(tables.at("ResizeBilinearOptions").size(), 4u);  // deprecated slots kept
  EXPECT_EQ(NumBuiltinOptionsDescs(), static_cast<int>(tfl::BuiltinOptions::MAX));
  EXPECT_EQ(NumBuiltinOptions2Descs(), static_cast<int>(tfl::BuiltinOptions2::MAX));
  CheckUnion(tfl::EnumNamesBuiltinOptions(), NumBuiltinOptionsDescs(), &BuiltinOptionsDesc, tables);
  CheckUnion(tfl::EnumNamesBuiltinOptions2(), NumBuiltinOptions2Descs(), &BuiltinOptions2Desc, tables);
}

TEST(TfliteSchema, KnownTypeIds) {
  // Spot checks against the public TFLite schema's numbering.
  EXPECT_EQ(static_cast<int>(tfl::BuiltinOptions::Conv2DOptions), 1);
  EXPECT_EQ(static_cast<int>(tfl::BuiltinOptions::ReshapeOptions), 17);
  EXPECT_EQ(static_cast<int>(tfl::BuiltinOptions::SqueezeOptions), 30);
  EXPECT_EQ(static_cast<int>(tfl::BuiltinOptions::Conv3DOptions), 106);
  EXPECT_EQ(static_cast<int>(tfl::BuiltinOptions::BucketizeOptions), 115);
  EXPECT_EQ(static_cast<int>(tfl::BuiltinOptions::RightShiftOptions), 126);
  EXPECT_EQ(static_cast<int>(tfl::BuiltinOptions2::StableHLOCompositeOptions), 21);
  EXPECT_EQ(static_cast<int>(tfl::BuiltinOperator::DENSIFY), 124);
  EXPECT_EQ(static_cast<int>(tfl::BuiltinOperator::STABLEHLO_CASE), 209);
  EXPECT_EQ(static_cast<int>(tfl::TensorType::INT4), 17);
  EXPECT_EQ(tfl::Operator::VT_BUILTIN_OPTIONS_2, 4 + 2 * 12);
  EXPECT_EQ(tfl::Tensor::VT_VARIANT_TENSORS, 4 + 2 * 9);
  EXPECT_EQ(tfl::Buffer::VT_SIZE, 4 + 2 * 2);
}

}  // namespace
}  // namespace respect
