// my.info parsing, formatting, loading and saving, against the shared vectors.
#include <messageu/client/my_info.hpp>

#include <messageu/util/base64.hpp>

#include "support/temp_dir.hpp"
#include "support/vectors.hpp"

#include <gtest/gtest.h>

#include <string_view>
#include <sys/stat.h>
#include <vector>

using namespace messageu;
using namespace messageu::client;
using messageu::test::TempDir;

namespace {

struct Identity {
  std::string name;
  std::string id_hex;
  Bytes pkcs8_der;
};

Identity expected_identity() {
  auto vectors = test::load_vectors("my_info.json");
  auto key = test::load_vectors("rsa1024_e17.json");
  return {vectors.get<std::string>("name"), vectors.get<std::string>("client_id_hex"),
          *base64_decode(key.get<std::string>("private_key_pkcs8_base64"))};
}

std::string valid_text() {
  return test::load_vectors("my_info.json").get<std::string>("samples.one_line_lower_hex");
}

Errc parse_error(const std::string &text) {
  auto info = parse_my_info(text);
  EXPECT_FALSE(info) << "parsed: " << text;
  return info ? Errc::internal : info.error().code;
}

} // namespace

TEST(MyInfo, ParsesEverySharedSample) {
  auto expected = expected_identity();
  auto samples = test::load_vectors("my_info.json").get_child("samples");
  ASSERT_GE(samples.size(), 3u);
  for (const auto &[layout, text] : samples) {
    auto info = parse_my_info(text.get_value<std::string>());
    ASSERT_TRUE(info) << layout << ": " << info.error().message;
    EXPECT_EQ(info->name, expected.name) << layout;
    EXPECT_EQ(client_id_to_hex(info->id), expected.id_hex) << layout;
    EXPECT_EQ(info->private_key_der, expected.pkcs8_der) << layout;
  }
}

TEST(MyInfo, AcceptsPkcs1KeyAndReturnsItAsPkcs8) {
  auto expected = expected_identity();
  auto key = test::load_vectors("rsa1024_e17.json");
  auto text = expected.name + "\n" + expected.id_hex + "\n" +
              key.get<std::string>("private_key_pkcs1_base64") + "\n";
  auto info = parse_my_info(text);
  ASSERT_TRUE(info) << info.error().message;
  EXPECT_EQ(info->private_key_der, expected.pkcs8_der);
}

TEST(MyInfo, FormatsPkcs8OnOneLineWithLowerCaseId) {
  auto expected = expected_identity();
  auto vectors = test::load_vectors("my_info.json");
  auto info =
      parse_my_info(vectors.get<std::string>("samples.wrapped72_upper_hex_trailing_newline"));
  ASSERT_TRUE(info);
  auto key = test::load_vectors("rsa1024_e17.json");
  EXPECT_EQ(format_my_info(*info), expected.name + "\n" + expected.id_hex + "\n" +
                                       key.get<std::string>("private_key_pkcs8_base64") + "\n");
}

TEST(MyInfo, RoundTripsThroughFormat) {
  auto info = parse_my_info(valid_text());
  ASSERT_TRUE(info);
  auto again = parse_my_info(format_my_info(*info));
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, *info);
}

TEST(MyInfo, RejectsIdOfWrongLengthOrDigits) {
  auto key = test::load_vectors("rsa1024_e17.json").get<std::string>("private_key_pkcs8_base64");
  EXPECT_EQ(parse_error("alice\n64f3f63985f04beb81a0e433218801\n" + key), Errc::config);
  EXPECT_EQ(parse_error("alice\n64f3f63985f04beb81a0e4332188018200\n" + key), Errc::config);
  EXPECT_EQ(parse_error("alice\n64f3f63985f04beb81a0e4332188018z\n" + key), Errc::config);
  auto info = parse_my_info("alice\n1234\n" + key);
  ASSERT_FALSE(info);
  EXPECT_NE(info.error().message.find("line 2"), std::string::npos) << info.error().message;
}

TEST(MyInfo, RejectsBadBase64) {
  auto info = parse_my_info("alice\n64f3f63985f04beb81a0e43321880182\nMIIC!dAIBADAN\n");
  ASSERT_FALSE(info);
  EXPECT_EQ(info.error().code, Errc::config);
  EXPECT_NE(info.error().message.find("base64"), std::string::npos) << info.error().message;
}

TEST(MyInfo, RejectsMissingLines) {
  EXPECT_EQ(parse_error(""), Errc::config);
  EXPECT_EQ(parse_error("alice"), Errc::config);
  EXPECT_EQ(parse_error("alice\n"), Errc::config);
  EXPECT_EQ(parse_error("alice\n64f3f63985f04beb81a0e43321880182"), Errc::config);
  EXPECT_EQ(parse_error("alice\n64f3f63985f04beb81a0e43321880182\n\r\n  \n"), Errc::config);
  EXPECT_EQ(parse_error("\n64f3f63985f04beb81a0e43321880182\nMIIC\n"), Errc::config);
}

TEST(MyInfo, RejectsKeyThatIsNotAnRsaPrivateKey) {
  // Valid base64 of bytes that are no DER key, then a truncated real key.
  EXPECT_EQ(parse_error("alice\n64f3f63985f04beb81a0e43321880182\nZm9vYmFy\n"), Errc::config);
  auto key = test::load_vectors("rsa1024_e17.json").get<std::string>("private_key_pkcs8_base64");
  auto der = *base64_decode(key);
  der.resize(der.size() / 2);
  auto info = parse_my_info("alice\n64f3f63985f04beb81a0e43321880182\n" + base64_encode(der));
  ASSERT_FALSE(info);
  EXPECT_EQ(info.error().code, Errc::config);
  EXPECT_NE(info.error().message.find("line 3"), std::string::npos) << info.error().message;
}

TEST(MyInfo, RejectsOverlongOrNonPrintableName) {
  auto rest = std::string("\n64f3f63985f04beb81a0e43321880182\n") +
              test::load_vectors("rsa1024_e17.json").get<std::string>("private_key_pkcs8_base64");
  EXPECT_EQ(parse_error(std::string(k_max_name_length + 1, 'a') + rest), Errc::config);
  EXPECT_TRUE(parse_my_info(std::string(k_max_name_length, 'a') + rest));
  EXPECT_EQ(parse_error(std::string("al\tice") + rest), Errc::config);
}

TEST(MyInfoFile, LoadsSavedFileWithMode0600) {
  TempDir dir;
  auto info = *parse_my_info(valid_text());
  auto path = dir / "my.info";
  ASSERT_TRUE(save_my_info(path, info));
  struct stat status {};
  ASSERT_EQ(::stat(path.c_str(), &status), 0);
  EXPECT_EQ(status.st_mode & 07777, 0600u);
  auto loaded = load_my_info(path);
  ASSERT_TRUE(loaded) << loaded.error().message;
  EXPECT_EQ(*loaded, info);
}

TEST(MyInfoFile, RefusesToOverwriteExistingFile) {
  TempDir dir;
  auto path = dir / "my.info";
  test::write_file(path, "someone else\n");
  auto saved = save_my_info(path, *parse_my_info(valid_text()));
  ASSERT_FALSE(saved);
  EXPECT_EQ(saved.error().code, Errc::config);
  EXPECT_NE(saved.error().message.find("already registered"), std::string::npos);
  EXPECT_EQ(test::read_text_file(path.string()), "someone else\n");
}

TEST(MyInfoFile, ReportsMissingFileAsNotRegistered) {
  TempDir dir;
  auto loaded = load_my_info(dir / "my.info");
  ASSERT_FALSE(loaded);
  EXPECT_EQ(loaded.error().code, Errc::config);
  EXPECT_NE(loaded.error().message.find("not registered"), std::string::npos);
}

TEST(MyInfoFile, NamesTheFileWhenItsContentIsInvalid) {
  TempDir dir;
  auto path = dir / "my.info";
  test::write_file(path, "alice\nnot-an-id\nAAAA\n");
  ::chmod(path.c_str(), 0600);
  auto loaded = load_my_info(path);
  ASSERT_FALSE(loaded);
  EXPECT_EQ(loaded.error().code, Errc::config);
  EXPECT_NE(loaded.error().message.find(path.string()), std::string::npos);
}

TEST(MyInfoFile, RefusesAFileOthersCanReadBeforeParsingIt) {
  TempDir dir;
  auto path = dir / "my.info";
  test::write_file(path, valid_text());
  ::chmod(path.c_str(), 0644);
  auto loaded = load_my_info(path);
  ASSERT_FALSE(loaded);
  EXPECT_EQ(loaded.error().code, Errc::insecure_profile);
  EXPECT_NE(loaded.error().message.find("chmod 600 " + path.string()), std::string::npos)
      << loaded.error().message;
}

TEST(MyInfoFile, LoadsAFileOthersCanReadWhenThePolicyOnlyWarns) {
  TempDir dir;
  auto path = dir / "my.info";
  test::write_file(path, valid_text());
  ::chmod(path.c_str(), 0604);
  std::vector<std::string> warnings;
  PermissionPolicy policy{false, [&](std::string_view text) { warnings.emplace_back(text); }};
  auto loaded = load_my_info(path, policy);
  ASSERT_TRUE(loaded) << loaded.error().message;
  EXPECT_EQ(loaded->name, expected_identity().name);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("(mode 0604)"), std::string::npos) << warnings[0];
}
