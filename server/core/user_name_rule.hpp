// What the server accepts as the name of a new registration, beyond the protocol's rule (1 to
// 254 printable ASCII characters): nothing a reader could take for another user's name. A
// name must not begin or end with a space nor hold two spaces in a row ("bob " or "bob  smith"
// passing for "bob" or "bob smith"), and must differ from every registered name by more than
// the case of ASCII letters ("Bob" passing for "bob"; the store looks that up).
//
// Only new registrations are held to it: names an older server accepted keep working.
#pragma once

#include <messageu/store/server_store.hpp>
#include <messageu/util/result.hpp>

#include <string_view>

namespace messageu::server {

// Checks the spacing of `name` (a name the protocol accepts). A leading or trailing space, or
// two spaces in a row → Errc::bad_data saying which.
Status check_name_spacing(std::string_view name);
// The whole rule: the spacing, then the registered names of `store`. A name registered
// already, or one that differs from a registered name only by ASCII case →
// Errc::name_taken; the store's failure → Errc::storage.
Status check_new_user_name(store::ServerStore &store, std::string_view name);

} // namespace messageu::server
