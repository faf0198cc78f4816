// Hostile workflow files (issue 8): each is generated here at run time, in a scratch folder, and
// must get exit 2 and a clear message (file:line:col where there is a place to point at), fast
// and in bounded memory. Bounds are generous (a loaded CI machine), far below what the failures
// they guard against cost: a stack overflow, minutes, gigabytes.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <random>
#include <string>

#include "hardening/hostile.hpp"

namespace baton {
namespace {

using hostile::baton;
using hostile::Measured;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::Scratch;
using ::testing::StartsWith;
namespace fs = std::filesystem;
using std::chrono::milliseconds;

// What refusing a file may cost, at most.
constexpr long kSmallRssKb = 64 * 1024 + hostile::kSanitizerRssKb;

std::string write(const Scratch& s, const std::string& name, const std::string& text) {
  std::ofstream(s.at(name), std::ios::binary) << text;
  return s.at(name).string();
}

// `baton validate FILE` in the scratch folder, so that diagnostics name the file as given.
Measured validate(const Scratch& s, const std::string& file) {
  return baton(s.path(), {"validate", file});
}

std::string repeat(std::string_view piece, std::size_t times) {
  std::string out;
  out.reserve(piece.size() * times);
  for (std::size_t i = 0; i < times; ++i) out += piece;
  return out;
}

// The first line of stderr, where the one diagnostic of these files is.
std::string first_line(const Measured& m) { return m.err.substr(0, m.err.find('\n')); }

TEST(CliHostileInput, AliasBombIsRefusedWhereItsExpansionCrossesTheBound) {
  Scratch s;
  std::string yaml = "name: bomb\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i <= 9; ++i) {
    yaml += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [";
    for (int j = 0; j < 10; ++j) yaml += (j ? ", *a" : "*a") + std::to_string(i - 1);
    yaml += "]\n";
  }
  yaml += "tasks: *a9\n";
  auto file = write(s, "bomb.yaml", yaml);
  auto m = validate(s, file);
  EXPECT_EQ(m.exit_code, 2) << m.describe();
  // Aliases may expand a file of 592 bytes to 1,000,000 nodes. a5 (line 7) is the first list
  // past that, at its eighth alias: a4 is 111,111 nodes once expanded and the document before
  // a5's list 123,465, so seven aliases make 901,242 and the eighth 1,012,353.
  EXPECT_EQ(first_line(m), file +
                               ":7:45: YAML document refused: its aliases expand to more than "
                               "1000000 nodes (a file's aliases may expand it to 10 nodes per "
                               "byte, and at least 1000000)");
  EXPECT_LT(m.elapsed, milliseconds(2000)) << m.describe();
  EXPECT_LT(m.max_rss_kb, kSmallRssKb) << m.describe();
}

TEST(CliHostileInput, NestingFiftyThousandDeepIsRefusedWithoutOverflowingTheStack) {
  Scratch s;
  constexpr std::size_t kDepth = 50'000;
  struct Case {
    std::string name, yaml, where;
  };
  std::vector<Case> cases = {
      // The 1000th opening bracket, after "tasks: ".
      {"flow-lists.yaml", "name: deep\ntasks: " + repeat("[", kDepth) + repeat("]", kDepth) + "\n",
       ":2:1007:"},
      {"flow-maps.yaml",
       "name: deep\ntasks: " + repeat("{a: ", kDepth) + "b" + repeat("}", kDepth) + "\n",
       ":2:4004:"},
      // Block lists nested on one line ("- - - x"), the 1000th dash.
      {"block-lists.yaml", "name: deep\ntasks:\n  " + repeat("- ", kDepth) + "x\n", ":3:2001:"},
  };
  for (const auto& c : cases) {
    auto file = write(s, c.name, c.yaml);
    auto m = validate(s, file);
    EXPECT_EQ(m.exit_code, 2) << c.name << ": " << m.describe();
    EXPECT_EQ(first_line(m),
              file + c.where + " YAML document refused: it nests deeper than 1000 levels")
        << c.name;
    EXPECT_LT(m.elapsed, milliseconds(2000)) << c.name << ": " << m.describe();
    EXPECT_LT(m.max_rss_kb, kSmallRssKb) << c.name << ": " << m.describe();
  }
}

TEST(CliHostileInput, BinaryGarbageIsRefusedAsNotText) {
  Scratch s;
  std::mt19937 random(8);
  std::string bytes =
      "\x7f"
      "ELF";  // What an executable starts with.
  while (bytes.size() < (1u << 20)) bytes += static_cast<char>(random() & 0xff);
  auto file = write(s, "a.out", bytes);
  auto m = validate(s, file);
  EXPECT_EQ(m.exit_code, 2) << m.describe();
  EXPECT_EQ(first_line(m), file +
                               ":1:1: malformed YAML: control character U+007F in the text: is "
                               "this a binary file?");
  EXPECT_LT(m.elapsed, milliseconds(2000)) << m.describe();
  EXPECT_LT(m.max_rss_kb, kSmallRssKb) << m.describe();

  // Random bytes from the first one, and a NUL inside otherwise good text: refused likewise.
  std::string noise;
  while (noise.size() < (1u << 20)) noise += static_cast<char>(random() & 0xff);
  auto noise_file = write(s, "noise.yaml", noise);
  auto n = validate(s, noise_file);
  EXPECT_EQ(n.exit_code, 2) << n.describe();
  EXPECT_THAT(first_line(n), StartsWith(noise_file + ":1:")) << n.describe();
  EXPECT_THAT(first_line(n), HasSubstr(": malformed YAML: ")) << n.describe();
  EXPECT_LT(first_line(n).size(), 200u) << n.describe();

  auto nul_file = write(s, "nul.yaml", std::string("name: x\ntasks: [\0]\n", 19));
  auto z = validate(s, nul_file);
  EXPECT_EQ(z.exit_code, 2) << z.describe();
  EXPECT_EQ(first_line(z), nul_file +
                               ":2:9: malformed YAML: control character U+0000 in the text: is "
                               "this a binary file?");
}

TEST(CliHostileInput, TextThatIsNotUtf8IsRefusedAtTheOffendingByte) {
  Scratch s;
  // Latin-1: 'é' is the single byte 0xE9, which UTF-8 reads as the start of a 3-byte sequence.
  auto file =
      write(s, "latin1.yaml", "name: menu\ntasks:\n  - id: cafe\n    run: echo caf\xe9 cr\xe8me\n");
  auto m = validate(s, file);
  EXPECT_EQ(m.exit_code, 2) << m.describe();
  EXPECT_EQ(first_line(m), file +
                               ":4:18: malformed YAML: the file is not UTF-8 text: byte 0xE9 "
                               "does not start a valid UTF-8 sequence (save the file as UTF-8)");

  // A sequence cut short by a quote, and a stray continuation byte: each pointed at.
  auto cut = write(s, "cut.yaml", "name: x\ntasks: [{id: a, run: \"tru\xc3\"}]\n");
  EXPECT_EQ(first_line(validate(s, cut)),
            cut +
                ":2:26: malformed YAML: the file is not UTF-8 text: byte 0xC3 does not start a "
                "valid UTF-8 sequence (save the file as UTF-8)");
  auto stray = write(s, "stray.yaml", "name: x\xbf\ntasks: [{id: a, run: \"true\"}]\n");
  EXPECT_EQ(first_line(validate(s, stray)),
            stray +
                ":1:8: malformed YAML: the file is not UTF-8 text: byte 0xBF does not start a "
                "valid UTF-8 sequence (save the file as UTF-8)");
}

TEST(CliHostileInput, HundredMegabyteFileIsRefusedWithoutReadingIt) {
  Scratch s;
  auto file = s.at("big.yaml").string();
  {
    std::ofstream out(file, std::ios::binary);
    out << "name: big\ntasks:\n";
    std::string chunk;
    for (int i = 0; i < 10000; ++i) chunk += "  - {id: t" + std::to_string(i) + ", run: x}\n";
    for (std::size_t written = 0; written < (100u << 20); written += chunk.size()) out << chunk;
  }
  fs::resize_file(file, 100u << 20);  // Exactly 100 MiB.
  for (const std::vector<std::string>& command : {std::vector<std::string>{"validate", file},
                                                  {"plan", file},
                                                  {"run", file, "--state", s.state()}}) {
    auto m = baton(s.path(), command);
    EXPECT_EQ(m.exit_code, 2) << command[0] << ": " << m.describe();
    EXPECT_EQ(first_line(m),
              file + ": the file is 100.0 MiB, more than the 64 MiB a workflow file may hold")
        << command[0];
    EXPECT_LT(m.elapsed, milliseconds(2000)) << command[0] << ": " << m.describe();
    EXPECT_LT(m.max_rss_kb, kSmallRssKb) << command[0] << ": " << m.describe();
  }
  EXPECT_FALSE(fs::exists(s.state())) << "nothing was recorded";
}

TEST(CliHostileInput, EndlessInputIsReadOnlyUpToTheLimit) {
  Scratch s;
  auto m = validate(s, "/dev/zero");
  EXPECT_EQ(m.exit_code, 2) << m.describe();
  EXPECT_EQ(first_line(m),
            "/dev/zero: the file is over 64 MiB, more than the 64 MiB a workflow file may hold");
  EXPECT_LT(m.elapsed, milliseconds(5000)) << m.describe();
  // The 64 MiB read, and its growth.
  EXPECT_LT(m.max_rss_kb, 400 * 1024 + hostile::kSanitizerRssKb) << m.describe();
}

// SPEC 9 asks `baton validate` + `baton plan` of 1,000,000 tasks in under 3 s and 1 GB. Memory
// is about there (0.8-1.1 GB, docs/benchmarks.md), time not yet (5-17 s, by machine load). This
// test holds what is true now, with room for a loaded machine: the file is valid and planned,
// without a crash, in bounded time and memory. Under AddressSanitizer, whose redzones and
// quarantine about double a heap of small blocks, the bound is looser.
constexpr long kMillionTasksRssKb = hostile::kSanitizerRssKb > 0 ? 3L << 20 : 1536L << 10;
TEST(CliHostileInput, MillionTasksArePlanned) {
  Scratch s;
  auto file = s.at("million.yaml").string();
  {
    std::ofstream out(file, std::ios::binary);
    std::string text = "name: million\ntasks:\n";
    for (int i = 0; i < 1'000'000; ++i) {
      text += "  - {id: t" + std::to_string(i) + ", run: \"true\"}\n";
      if (text.size() > (1 << 20)) {
        out << text;
        text.clear();
      }
    }
    out << text;
  }
  auto m = baton(s.path(), {"plan", file});
  EXPECT_EQ(m.exit_code, 0) << m.describe();
  EXPECT_THAT(m.out, HasSubstr("1000000 leaf tasks")) << m.describe();
  EXPECT_LT(m.elapsed, milliseconds(60'000)) << m.describe();
  EXPECT_LT(m.max_rss_kb, kMillionTasksRssKb) << m.describe();
  std::cout << "[ measured ] baton plan, 1,000,000 tasks: " << m.elapsed.count() << " ms, "
            << m.max_rss_kb / 1024 << " MiB\n";
}

TEST(CliHostileInput, MoreTasksThanARunHoldsAreRefusedBeforeBuildingThem) {
  Scratch s;
  // 2,001 groups of 1,000 tasks, as aliases: 12 KB that mean 2,003,001 tasks and groups, 10
  // million nodes. Aliases may expand a file to 10 nodes a byte, so a comment pads it to 1.2 MB.
  std::string yaml = "# " + std::string(1'200'000, 'p') + "\n";
  yaml += "name: many\ntasks: [&g {id: g, tasks: [&t {id: t, run: \"true\"}";
  for (int i = 1; i < 1000; ++i) yaml += ", *t";
  yaml += "]}";
  for (int i = 1; i <= 2000; ++i) yaml += ", *g";
  yaml += "]\n";
  auto file = write(s, "many.yaml", yaml);
  auto m = validate(s, file);
  EXPECT_EQ(m.exit_code, 2) << m.describe();
  EXPECT_EQ(first_line(m), file +
                               ":3:8: the workflow has more than 2000000 tasks and groups, the "
                               "most a run may hold");
  EXPECT_LT(m.elapsed, milliseconds(3000)) << m.describe();
  EXPECT_LT(m.max_rss_kb, kSmallRssKb) << m.describe();
}

TEST(CliHostileInput, FanOutThatMultipliesPastTheBoundIsRefused) {
  Scratch s;
  std::string items;
  for (int i = 0; i < 10'000; ++i) items += (i ? ", i" : "i") + std::to_string(i);
  // 10,000 instances of a group of 2,000 tasks: 20 million, from a 90 KB file.
  std::string yaml = "name: fan\ntasks:\n  - id: g\n    foreach: [" + items + "]\n    tasks:\n";
  for (int i = 0; i < 2000; ++i) yaml += "      - {id: t" + std::to_string(i) + ", run: x}\n";
  auto file = write(s, "fan.yaml", yaml);
  for (const char* command : {"validate", "plan", "graph"}) {
    auto m = baton(s.path(), {command, file});
    EXPECT_EQ(m.exit_code, 2) << command << ": " << m.describe();
    EXPECT_EQ(first_line(m), file +
                                 ":4:14: fan-out 'g' would make 10000 × 2001 tasks and groups, "
                                 "more than the 2000000 a run may hold (fan out over fewer "
                                 "items, or split the workflow)")
        << command;
    EXPECT_LT(m.elapsed, milliseconds(2000)) << command << ": " << m.describe();
    EXPECT_LT(m.max_rss_kb, kSmallRssKb) << command << ": " << m.describe();
  }

  // Nested: 10,000 instances of a group holding a fan-out of 10,000 single tasks; the outer
  // fan-out is blamed.
  std::string nested = "name: fan\ntasks:\n  - id: g\n    foreach: [" + items +
                       "]\n    tasks:\n      - id: h\n        foreach: [" + items +
                       "]\n        run: x\n";
  auto nested_file = write(s, "nested.yaml", nested);
  auto n = validate(s, nested_file);
  EXPECT_EQ(n.exit_code, 2) << n.describe();
  EXPECT_THAT(first_line(n), StartsWith(nested_file + ":4:14: fan-out 'g' would make 10000 × "
                                                      "10002 tasks and groups"));
}

TEST(CliHostileInput, MegabyteIdsKeysAndReferencesAreQuotedShort) {
  Scratch s;
  const std::string huge(4 << 20, 'a');
  auto file = write(s, "huge.yaml",
                    "name: huge\ntasks:\n  - id: " + huge + "\n    run: x\n    bogus: 1\n" +
                        "  - id: b\n    needs: [" + huge + "]\n    pool: " + huge +
                        "\n    argv: [echo, \"${{ " + huge + " }}\"]\n    ? " + huge +
                        "\n    : 1\nflow: [\"b >> " + huge + " >>\"]\n");
  auto m = validate(s, file);
  EXPECT_EQ(m.exit_code, 2) << m.describe();
  const std::string shown = std::string(80, 'a') + "...";
  const std::string forty = std::string(40, 'a') + "...";
  EXPECT_THAT(m.err, HasSubstr(":3:9: invalid id '" + forty + "'"));
  EXPECT_THAT(m.err, HasSubstr(":5:5: unknown key 'bogus' in task '#1'"));
  EXPECT_THAT(m.err, HasSubstr(":7:13: unknown task '" + shown + "' in 'needs' of task 'b'"));
  EXPECT_THAT(m.err, HasSubstr("unknown pool '" + shown + "'"));
  EXPECT_THAT(m.err, HasSubstr("unknown template '${{ " + shown + " }}' in 'argv' of task 'b'"));
  EXPECT_THAT(m.err, HasSubstr("unknown key '" + shown + "' in task 'b'"));
  EXPECT_THAT(m.err, HasSubstr("in flow \"b >> " + std::string(75, 'a') + "...\""));
  EXPECT_LT(hostile::longest_line(m.err), 1000u) << "no diagnostic quotes megabytes";
  EXPECT_LT(m.elapsed, milliseconds(3000)) << m.describe();
  EXPECT_LT(m.max_rss_kb, 200 * 1024 + hostile::kSanitizerRssKb) << m.describe();

  // Megabytes where a string of any length is allowed are simply valid.
  auto fine = write(s, "fine.yaml",
                    "name: " + huge + "\ndescription: \"" + huge +
                        "\"\ntasks:\n  - id: a\n    run: x\n    env: {BIG: \"" + huge + "\"}\n");
  auto f = validate(s, fine);
  EXPECT_EQ(f.exit_code, 0) << f.describe();
  EXPECT_LT(f.max_rss_kb, 200 * 1024 + hostile::kSanitizerRssKb) << f.describe();
}

// A dynamic fan-out's items come from an output, and outputs are capped at 1 MiB, so a source
// cannot hand baton millions of items; half a million one-letter lines fit, and fail the
// fan-out by max_items without costing much memory.
TEST(CliHostileInput, DynamicFanOutOfHalfAMillionItemsFailsTheFanOut) {
  Scratch s;
  auto r = baton(s.path(), {"run",
                            write(
                                s, "wf.yaml",
                                R"(name: fan
tasks:
  - id: src
    run: |
      { echo 'items<<EOF'; yes a | head -n 500000; echo EOF; } > "$BATON_OUTPUT"
    outputs: [items]
  - id: each
    foreach: { from: src, output: items }
    argv: [echo, "${{ item }}"]
  - id: flood
    run: |
      { echo 'items<<EOF'; yes a | head -n 3000000; echo EOF; } > "$BATON_OUTPUT"
    outputs: [items]
  - id: never
    foreach: { from: flood, output: items }
    argv: [echo, "${{ item }}"]
  - id: src2
    run: seq 3000 | sed '1s/^/items<<EOF\n/; $s/$/\nEOF/' > "$BATON_OUTPUT"
    outputs: [items]
  - id: groups
    foreach: { from: src2, output: items }
    tasks:
)" +
                                    [] {
                                      std::string tasks;
                                      for (int i = 0; i < 700; ++i) {
                                        tasks +=
                                            "      - {id: t" + std::to_string(i) + ", run: x}\n";
                                      }
                                      return tasks;
                                    }()),
                            "--state", s.state(), "--progress", "none"});
  EXPECT_EQ(r.exit_code, 1) << r.describe();
  EXPECT_THAT(testing::timeline_row(r.out, "each"),
              HasSubstr("failed — 500000 items, more than max_items (10000)"))
      << r.describe();
  EXPECT_THAT(testing::timeline_row(r.out, "flood"),
              HasSubstr("outputs are 6000015 bytes, more than the limit of 1 MiB"))
      << r.describe();
  EXPECT_THAT(r.out, Not(HasSubstr("never[0]"))) << "a failed source expands nothing";
  EXPECT_THAT(testing::timeline_row(r.out, "groups"),
              HasSubstr("failed — 3000 items × 701 tasks and groups, more than the 2000000 a "
                        "run may hold"))
      << r.describe();
  EXPECT_LT(r.elapsed, milliseconds(10'000)) << r.describe();
  EXPECT_LT(r.max_rss_kb, 200 * 1024 + hostile::kSanitizerRssKb) << r.describe();
}

}  // namespace
}  // namespace baton
