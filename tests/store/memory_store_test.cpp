// The in-memory store (library runs without a state folder) keeps verdicts by the same rules as
// SQLite: one untaken verdict per gate, and a taken one replaced only while its gate is undecided.
#include "store/memory/memory_store.hpp"

#include <gtest/gtest.h>

#include "store/store_rows.hpp"

namespace baton::store {
namespace {

using test_rows::run_row;

void record_gate(MemoryStore& store, const std::string& state) {
  Batch batch;
  TaskRow row;
  row.path = "gate";
  row.state = state;
  batch.tasks.push_back(row);
  store.write(batch);
}

TEST(MemoryStoreVerdicts, FollowTheRulesOfTheSqliteStore) {
  MemoryStore store;
  store.create_run(run_row("r", 1000));
  record_gate(store, "waiting");
  ASSERT_TRUE(store.give_verdict("r", {"gate", false, "ann", 1}));
  EXPECT_FALSE(store.give_verdict("r", {"gate", true, "bob", 2})) << "one untaken verdict";
  record_gate(store, "failed");
  store.take_verdict("r", "gate");
  EXPECT_TRUE(store.untaken_verdicts("r").empty());
  EXPECT_FALSE(store.give_verdict("r", {"gate", true, "bob", 3})) << "the gate is decided";
  record_gate(store, "waiting");  // A resume started it over.
  EXPECT_TRUE(store.give_verdict("r", {"gate", true, "bob", 4}));
  ASSERT_EQ(store.untaken_verdicts("r").size(), 1u);
  EXPECT_EQ(store.untaken_verdicts("r")[0].by, "bob");
}

}  // namespace
}  // namespace baton::store
