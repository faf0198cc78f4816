// The store's schema as a list of migrations: a database at version k (PRAGMA user_version) is
// brought to the newest by running migrations k+1 ... in one transaction each. A migration is
// never edited once released; a change is a new one.
#pragma once

#include <span>
#include <string_view>

namespace baton::store::sqlite {

/// migrations()[k] takes a database from version k to k+1.
std::span<const std::string_view> migrations();

}  // namespace baton::store::sqlite
