// What a command leaves to the process's exit is moved there whole and never destroyed.
#include "cli/left_to_exit.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <utility>
#include <vector>

namespace baton::cli {
namespace {

// Counts its destructions; a moved-from one does not count.
struct Counted {
  explicit Counted(int* counter) : destroyed(counter) {}
  Counted(Counted&& other) noexcept : destroyed(std::exchange(other.destroyed, nullptr)) {}
  Counted& operator=(Counted&&) = delete;
  ~Counted() {
    if (destroyed) ++*destroyed;
  }
  int* destroyed;
};

TEST(LeftToExit, AnObjectIsMovedThereAndNeverDestroyed) {
  int destroyed = 0;
  {
    Counted kept(&destroyed);
    leave_to_exit(std::move(kept));
    EXPECT_EQ(kept.destroyed, nullptr);  // Moved, not copied.
  }
  EXPECT_EQ(destroyed, 0);
}

TEST(LeftToExit, AnOwnedObjectAndAContainerOfThemStayAlive) {
  int destroyed = 0;
  auto owned = std::make_unique<Counted>(&destroyed);
  Counted* address = owned.get();
  leave_to_exit(std::move(owned));
  std::vector<Counted> many;
  for (int i = 0; i < 3; ++i) many.emplace_back(&destroyed);
  leave_to_exit(std::move(many));
  EXPECT_EQ(destroyed, 0);
  EXPECT_EQ(address->destroyed, &destroyed);  // Still there, untouched.
}

}  // namespace
}  // namespace baton::cli
