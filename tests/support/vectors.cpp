// Shared test vector loading.
#include "support/vectors.hpp"

#include <messageu/util/hex.hpp>

#include <boost/property_tree/json_parser.hpp>

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace messageu::test {

std::string vectors_dir() { return MESSAGEU_VECTORS_DIR; }

Json load_vectors(const std::string &file) {
  Json tree;
  boost::property_tree::read_json(vectors_dir() + "/" + file, tree);
  return tree;
}

Bytes hex_field(const Json &node, const std::string &path) {
  auto bytes = from_hex(node.get<std::string>(path));
  if (!bytes)
    throw std::runtime_error("bad hex in vector field " + path);
  return *bytes;
}

std::string read_text_file(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw std::runtime_error("cannot open " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

} // namespace messageu::test
