// Loads the shared test vectors (../shared/vectors/*.json, made by an unrelated
// implementation) as property trees, and reads their hex fields.
#pragma once

#include <messageu/util/bytes.hpp>

#include <boost/property_tree/ptree.hpp>

#include <string>

namespace messageu::test {

using Json = boost::property_tree::ptree;

// Path of the shared vectors directory.
std::string vectors_dir();

// Parses `vectors_dir()/file`; a missing or malformed file fails the test with an exception.
Json load_vectors(const std::string &file);

// The field at `path` (dotted) decoded from hex.
Bytes hex_field(const Json &node, const std::string &path);

// Reads a whole file into a string (throws if it cannot be opened).
std::string read_text_file(const std::string &path);

} // namespace messageu::test
