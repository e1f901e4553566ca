// The rule for new user names: spacing, then no look-alike of a registered name.
#include "core/user_name_rule.hpp"

#include <string>

namespace messageu::server {

Status check_name_spacing(std::string_view name) {
  if (name.starts_with(' '))
    return make_error(Errc::bad_data, "the name begins with a space");
  if (name.ends_with(' '))
    return make_error(Errc::bad_data, "the name ends with a space");
  if (name.find("  ") != std::string_view::npos)
    return make_error(Errc::bad_data, "the name has two spaces in a row");
  return {};
}

Status check_new_user_name(store::ServerStore &store, std::string_view name) {
  MESSAGEU_TRY(check_name_spacing(name));
  if (MESSAGEU_TRY(store.name_in_use_ignoring_case(name)))
    return make_error(Errc::name_taken, "the name " + std::string(name) +
                                            " is taken, or differs from a registered name only "
                                            "by letter case");
  return {};
}

} // namespace messageu::server
