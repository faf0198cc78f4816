// The C++ library (SPEC 7) end to end: workflows built in code, run on the real engine with
// callables on the worker pool and commands as real processes.
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "baton/baton.hpp"
#include "support/run_process.hpp"

namespace {

using namespace std::chrono_literals;

baton::RunResult run(const baton::Workflow& wf, baton::EngineOptions options = {}) {
  if (options.concurrency == 0) options.concurrency = 2;
  return baton::Engine(options).run(wf);
}

TEST(LibraryTest, TypedOutputsFlowDownAChain) {
  baton::Workflow wf("typed");
  auto produce = wf.task("produce", [](baton::Context& ctx) {
    ctx.set_output("count", 3);
    ctx.set_output("ratio", 0.5);
    ctx.set_output("ready", true);
    ctx.set_output("name", std::string("alpha"));
  });
  auto consume = wf.task("consume", [](baton::Context& ctx) {
    int count = ctx.input<int>("produce", "count");
    double ratio = ctx.input<double>("produce", "ratio");
    bool ready = ctx.input<bool>("produce", "ready");
    ctx.set_output("summary", ctx.input("produce", "name") + ":" + std::to_string(count * 2) +
                                  (ready ? ":ready:" : ":") + std::to_string(ratio));
  });
  produce >> consume;
  auto result = run(wf);
  ASSERT_TRUE(result.succeeded()) << result.report();
  EXPECT_EQ(result.task("produce").output<int>("count"), 3);
  EXPECT_EQ(result.task("consume").output("summary"), "alpha:6:ready:0.500000");
}

TEST(LibraryTest, TasksAreFoundByPathFromSeveralThreadsAndAnUnknownPathThrows) {
  baton::Workflow wf("lookup");
  for (int i = 0; i < 200; ++i) wf.task("t" + std::to_string(i), [](baton::Context&) {});
  const auto result = run(wf);
  ASSERT_TRUE(result.succeeded()) << result.report();
  std::atomic<int> found{0};
  std::vector<std::thread> readers;
  for (int r = 0; r < 4; ++r) {  // The index is built by whichever asks first.
    readers.emplace_back([&] {
      for (int i = 0; i < 200; ++i) {
        if (result.task("t" + std::to_string(i)).path == "t" + std::to_string(i)) ++found;
      }
    });
  }
  for (auto& reader : readers) reader.join();
  EXPECT_EQ(found, 800);
  EXPECT_THROW(result.task("t200"), std::out_of_range);
}

TEST(LibraryTest, FanInWaitsForEveryBranch) {
  std::mutex mutex;
  std::vector<std::string> order;
  auto note = [&](std::string name) {
    return [&, name](baton::Context&) {
      std::this_thread::sleep_for(10ms);
      std::lock_guard lock(mutex);
      order.push_back(name);
    };
  };
  baton::Workflow wf("fan");
  auto a = wf.task("a", note("a"));
  auto b = wf.task("b", note("b"));
  auto c = wf.task("c", note("c"));
  auto d = wf.task("d", note("d"));
  a >> baton::Tasks{b, c} >> d;
  auto result = run(wf);
  ASSERT_TRUE(result.succeeded());
  ASSERT_EQ(order.size(), 4u);
  EXPECT_EQ(order.front(), "a");
  EXPECT_EQ(order.back(), "d");
}

TEST(LibraryTest, ConcurrencyIsNeverExceededAndIsUsed) {
  std::atomic<int> running{0}, peak{0};
  baton::Workflow wf("wide");
  for (int i = 0; i < 6; ++i) {
    wf.task("t" + std::to_string(i), [&](baton::Context&) {
      int now = ++running;
      int seen = peak.load();
      while (now > seen && !peak.compare_exchange_weak(seen, now)) {
      }
      std::this_thread::sleep_for(30ms);
      --running;
    });
  }
  auto result = run(wf, {.concurrency = 2, .threads = 4});
  ASSERT_TRUE(result.succeeded());
  EXPECT_EQ(peak.load(), 2);
}

TEST(LibraryTest, RetriesUntilAnAttemptSucceeds) {
  baton::Workflow wf("retry");
  wf.task("flaky", [](baton::Context& ctx) {
      if (ctx.attempt() < 3) throw std::runtime_error("not yet");
      ctx.set_output("attempt", ctx.attempt());
    }).retry({.strategy = baton::RetryStrategy::kFixed, .max_attempts = 3, .delay = 10ms});
  auto result = run(wf);
  ASSERT_TRUE(result.succeeded()) << result.report();
  const auto& flaky = result.task("flaky");
  ASSERT_EQ(flaky.attempts.size(), 3u);
  EXPECT_EQ(flaky.attempts[0].error, "not yet");
  EXPECT_EQ(flaky.attempts[0].exit_code, 1);
  EXPECT_EQ(flaky.output<int>("attempt"), 3);
}

TEST(LibraryTest, EventsNumberAttemptsAsTheCommandLineDoes) {
  // task_retrying carries the attempt due next, as `--progress json` does (SPEC 8).
  baton::Workflow wf("numbers");
  wf.task("flaky", [](baton::Context& ctx) {
      if (ctx.attempt() < 3) throw std::runtime_error("not yet");
    }).retry({.strategy = baton::RetryStrategy::kFixed, .max_attempts = 3, .delay = 10ms});
  std::mutex mutex;
  std::vector<std::pair<std::string, int>> seen;
  baton::EngineOptions options;
  options.on_event = [&](const baton::RunEvent& e) {
    std::lock_guard lock(mutex);
    if (e.task == "flaky") seen.emplace_back(e.event, e.attempt);
  };
  ASSERT_TRUE(run(wf, options).succeeded());
  using Seen = std::vector<std::pair<std::string, int>>;
  EXPECT_EQ(seen, (Seen{{"task_started", 1},
                        {"task_retrying", 2},
                        {"task_started", 2},
                        {"task_retrying", 3},
                        {"task_started", 3},
                        {"task_succeeded", 3}}));
}

TEST(LibraryTest, SigtermWhileWaitingForAStartedRunCancelsItAndItsCommands) {
  // As `baton cancel` sends it: the run stops its commands and ends cancelled (was: the
  // default action ended the program and orphaned the command).
  auto dir = std::filesystem::temp_directory_path() /
             ("baton-lib-" + std::to_string(::getpid()) + "-sigterm");
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  auto pid_file = (dir / "pid").string();
  baton::Workflow wf("sigterm");
  wf.shell("cmd", "echo $$ > '" + pid_file + "'; exec sleep 30");
  auto handle = baton::Engine({.concurrency = 2}).start(wf);
  std::thread sender([&] {
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, nullptr);  // So that it never takes the signal itself.
    for (int i = 0; i < 1000 && !std::filesystem::exists(pid_file); ++i) {
      std::this_thread::sleep_for(5ms);
    }
    std::this_thread::sleep_for(20ms);
    ::kill(::getpid(), SIGTERM);
  });
  auto result = handle.wait();
  sender.join();
  EXPECT_EQ(result.status(), baton::RunStatus::kCancelled);
  pid_t pid = 0;
  std::ifstream(pid_file) >> pid;
  ASSERT_GT(pid, 0);
  EXPECT_NE(::kill(pid, 0), 0) << "the command outlived the run";
  std::filesystem::remove_all(dir);
}

TEST(LibraryTest, ACallableThatNeverLoggedHasNoLogInEitherWay) {
  // The engine's way (an event listener) as the fast path: no file, so no path (was: a path
  // to a file that was never made, in the JSON report).
  for (bool listen : {false, true}) {
    baton::Workflow wf("quiet");
    wf.task("quiet", [](baton::Context&) {});
    wf.task("talk", [](baton::Context& ctx) { ctx.log("hello"); });
    baton::EngineOptions options;
    if (listen) options.on_event = [](const baton::RunEvent&) {};
    auto result = run(wf, options);
    ASSERT_TRUE(result.succeeded());
    auto json = nlohmann::json::parse(result.report(baton::ReportFormat::kJson));
    for (const auto& task : json["tasks"]) {
      const auto& log = task["attempts"][0]["log"];
      if (task["path"] == "quiet") {
        EXPECT_TRUE(log.is_null()) << "listen " << listen << ": " << log;
      } else {
        ASSERT_TRUE(log.is_string()) << "listen " << listen;
        EXPECT_TRUE(std::filesystem::exists(log.get<std::string>()));
      }
    }
  }
}

TEST(LibraryTest, AFailureSkipsDependentsAndFailsTheRun) {
  baton::Workflow wf("fail");
  auto broken = wf.task("broken", [](baton::Context&) { throw std::runtime_error("disk full"); });
  auto after = wf.task("after", [](baton::Context&) {});
  auto cleanup = wf.task("cleanup", [](baton::Context&) {}).trigger(baton::TriggerRule::kAlways);
  broken >> after;
  broken >> cleanup;
  auto result = run(wf);
  EXPECT_EQ(result.status(), baton::RunStatus::kFailed);
  EXPECT_EQ(result.task("broken").state, "failed");
  EXPECT_EQ(result.task("broken").reason, "disk full");
  EXPECT_EQ(result.task("after").state, "skipped");
  EXPECT_EQ(result.task("cleanup").state, "succeeded");
}

TEST(LibraryTest, TimeoutsAreCooperative) {
  baton::Workflow wf("slow");
  wf.task("spin", [](baton::Context& ctx) {
      while (!ctx.cancelled()) std::this_thread::sleep_for(1ms);
    }).timeout(50ms);
  auto started = std::chrono::steady_clock::now();
  auto result = run(wf);
  auto took = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(result.task("spin").state, "failed");
  ASSERT_EQ(result.task("spin").attempts.size(), 1u);
  EXPECT_TRUE(result.task("spin").attempts[0].timed_out);
  EXPECT_LT(took, 5s);
}

TEST(LibraryTest, CommandsAndCallablesShareOutputs) {
  baton::Workflow wf("mixed");
  auto version = wf.command("version", {"/bin/sh", "-c", "echo version=7.1 >> \"$BATON_OUTPUT\""});
  auto use = wf.task(
      "use", [](baton::Context& ctx) { ctx.set_output("seen", ctx.input("version", "version")); });
  auto echo = wf.command("echo", {"/bin/sh", "-c", "test \"$BATON_OUT_USE_SEEN\" = 7.1"});
  version >> use >> echo;
  auto result = run(wf);
  ASSERT_TRUE(result.succeeded()) << result.report();
  EXPECT_EQ(result.task("use").output("seen"), "7.1");
}

TEST(LibraryTest, ATemplateInACommandBuiltInCodeIsADependency) {
  baton::Workflow wf("templates");
  // Declared first, so only the template can make it wait for `version`.
  wf.command("check",
             {"/bin/sh", "-c", "test \"$1\" = 7.2", "sh", "${{ tasks.version.outputs.number }}"});
  wf.task("version", [](baton::Context& ctx) {
    std::this_thread::sleep_for(20ms);
    ctx.set_output("number", "7.2");
  });
  ASSERT_TRUE(wf.validate().empty());
  auto result = run(wf);
  ASSERT_TRUE(result.succeeded()) << result.report();
  EXPECT_EQ(result.task("check").state, "succeeded");
}

TEST(LibraryTest, TemplatesBuiltInCodeAreCheckedAsInAFile) {
  baton::Workflow wf("bad-templates");
  wf.task("version", [](baton::Context&) {}).outputs({"number"});
  wf.shell("shell", "echo ${{ tasks.version.outputs.number }}");
  wf.command("typo", {"echo", "${{ tasks.version.outputs.numbr }}"});
  wf.command("nobody", {"echo", "${{ tasks.nobody.outputs.x }}"});
  auto diagnostics = wf.validate();
  std::string all;
  for (const auto& d : diagnostics) all += d.to_string() + "\n";
  EXPECT_EQ(diagnostics.size(), 3u) << all;
  EXPECT_NE(all.find("values never reach a shell string"), std::string::npos) << all;
  EXPECT_NE(all.find("task 'version' declares no output 'numbr'"), std::string::npos) << all;
  EXPECT_NE(all.find("nobody"), std::string::npos) << all;
  EXPECT_THROW(run(wf), std::invalid_argument);
}

TEST(LibraryTest, ADuplicateIdBuiltInCodeNamesNoLine) {
  baton::Workflow wf("dup");
  wf.task("a", [](baton::Context&) {});
  wf.task("a", [](baton::Context&) {});
  auto diagnostics = wf.validate();
  ASSERT_EQ(diagnostics.size(), 1u);
  EXPECT_EQ(diagnostics[0].message, "duplicate id 'a' among the top-level tasks");
}

TEST(LibraryTest, ValuesAFileCouldNotHoldAreRefusedInCodeToo) {
  baton::Workflow wf("values");
  auto a = wf.task("a", [](baton::Context&) {});
  EXPECT_THROW(a.estimate(std::chrono::milliseconds(-1)), std::invalid_argument);
  wf.group("empty");
  auto diagnostics = wf.validate();
  ASSERT_EQ(diagnostics.size(), 1u);
  EXPECT_EQ(diagnostics[0].message, "group 'empty' has no tasks: a group must hold at least one");
  EXPECT_THROW(run(wf), std::invalid_argument);
}

TEST(LibraryTest, DynamicFanOutFromACallable) {
  std::mutex mutex;
  std::vector<std::string> seen;
  baton::Workflow wf("shards");
  auto list = wf.task("list", [](baton::Context& ctx) {
    ctx.set_output("shards", std::vector<std::string>{"eu", "us", "ap"});
  });
  auto process = wf.task("process", [&](baton::Context& ctx) {
    std::lock_guard lock(mutex);
    seen.push_back(std::to_string(ctx.item_index()) + "=" + ctx.item());
  });
  process.foreach (list, "shards");
  auto result = run(wf);
  ASSERT_TRUE(result.succeeded()) << result.report();
  std::sort(seen.begin(), seen.end());
  EXPECT_EQ(seen, (std::vector<std::string>{"0=eu", "1=us", "2=ap"}));
  EXPECT_EQ(result.task("process[2]").state, "succeeded");
}

TEST(LibraryTest, CompensationRollsBackAFailedRun) {
  std::vector<std::string> undone;
  baton::Workflow wf("saga");
  auto reserve = wf.task("reserve", [](baton::Context& ctx) {
                     ctx.set_output("id", 42);
                   }).compensate([&](baton::Context& ctx) {
    EXPECT_TRUE(ctx.compensating());
    undone.push_back("release " + ctx.outputs().at("id"));
  });
  auto charge = wf.task("charge", [](baton::Context&) { throw std::runtime_error("declined"); });
  reserve >> charge;
  auto result = run(wf);
  EXPECT_EQ(result.status(), baton::RunStatus::kRolledBack);
  EXPECT_EQ(undone, std::vector<std::string>{"release 42"});
  EXPECT_EQ(result.task("reserve").state, "compensated");
}

// A run kept in memory is in no state folder: its report names no `baton` command that would
// look for it there.
TEST(LibraryTest, AReportOfARunInMemoryPrintsNoCommandOnIt) {
  baton::Workflow wf("saga");
  auto reserve = wf.task("reserve", [](baton::Context&) {}).compensate([](baton::Context&) {
    throw std::runtime_error("the release failed");
  });
  auto charge = wf.task("charge", [](baton::Context&) { throw std::runtime_error("declined"); });
  reserve >> charge;
  auto result = run(wf);
  EXPECT_EQ(result.task("reserve").state, "compensation_failed");
  const std::string report = result.report();
  EXPECT_NE(report.find("`reserve` was not undone: "), std::string::npos) << report;
  EXPECT_EQ(report.find("`baton logs"), std::string::npos) << report;
  EXPECT_EQ(report.find(" — `baton"), std::string::npos) << "no step ends in a command\n" << report;
}

TEST(LibraryTest, AHandleCancelsARunningRun) {
  std::atomic<bool> started{false};
  baton::Workflow wf("cancel");
  auto wait = wf.task("wait", [&](baton::Context& ctx) {
    started = true;
    while (!ctx.cancelled()) std::this_thread::sleep_for(1ms);
  });
  auto never = wf.task("never", [](baton::Context&) {});
  wait >> never;
  baton::Engine engine({.concurrency = 2});
  auto handle = engine.start(wf);
  while (!started) std::this_thread::sleep_for(1ms);
  EXPECT_FALSE(handle.done());
  handle.cancel();
  auto result = handle.wait();
  EXPECT_TRUE(handle.done());
  EXPECT_EQ(result.status(), baton::RunStatus::kCancelled);
  EXPECT_EQ(result.task("wait").state, "cancelled");
}

TEST(LibraryTest, EventsReportEveryTransition) {
  std::vector<std::string> events;
  baton::Workflow wf("events");
  wf.task("one", [](baton::Context&) {}) >> wf.task("two", [](baton::Context&) {});
  baton::EngineOptions options;
  options.on_event = [&](const baton::RunEvent& e) {
    events.push_back(e.event + " " + (e.task.empty() ? e.state : e.task));
  };
  ASSERT_TRUE(run(wf, options).succeeded());
  EXPECT_EQ(events, (std::vector<std::string>{"run_started running", "task_started one",
                                              "task_succeeded one", "task_started two",
                                              "task_succeeded two", "run_finished succeeded"}));
}

TEST(LibraryTest, TheReportHasSpecSixShapeAndJsonHasAttempts) {
  baton::Workflow wf("reported", "a small pipeline");
  auto build = wf.group("build");
  build.task("compile", [](baton::Context& ctx) { ctx.log("compiling"); });
  auto result = run(wf);
  ASSERT_TRUE(result.succeeded());
  auto markdown = result.report();
  EXPECT_NE(markdown.find("## Orchestration Report"), std::string::npos);
  EXPECT_NE(markdown.find("| Operation   | reported — a small pipeline |"), std::string::npos)
      << markdown;
  EXPECT_NE(markdown.find("- [x] 1.1 build.compile — Completed"), std::string::npos) << markdown;
  auto json = nlohmann::json::parse(result.report(baton::ReportFormat::kJson));
  EXPECT_EQ(json["run"]["status"], "succeeded");
  EXPECT_EQ(json["tasks"][0]["path"], "build.compile");
  EXPECT_EQ(json["tasks"][0]["attempts"].size(), 1u);
  EXPECT_NE(result.report(baton::ReportFormat::kHtml).find("<svg"), std::string::npos);
  ASSERT_FALSE(result.task("build.compile").attempts[0].log.empty());
}

// An output is a task's bytes: the JSON report replaces what is not UTF-8 instead of throwing.
TEST(LibraryTest, TheJsonReportTakesOutputsThatAreNotUtf8) {
  baton::Workflow wf("bytes");
  wf.task("emit", [](baton::Context& ctx) { ctx.set_output("raw", "ok \xff\xfe end"); });
  auto result = run(wf);
  ASSERT_TRUE(result.succeeded());
  auto json = nlohmann::json::parse(result.report(baton::ReportFormat::kJson));
  EXPECT_EQ(json["tasks"][0]["outputs"]["raw"], "ok \xef\xbf\xbd\xef\xbf\xbd end");
}

TEST(LibraryTest, AStateFolderMakesTheRunDurable) {
  auto dir = std::filesystem::temp_directory_path() /
             ("baton-lib-" + std::to_string(::getpid()) + "-durable");
  std::filesystem::remove_all(dir);
  baton::Workflow wf("durable");
  wf.task("step", [](baton::Context& ctx) { ctx.set_output("k", "v"); });
  auto result = run(wf, {.concurrency = 1, .state_dir = dir.string()});
  ASSERT_TRUE(result.succeeded());
  EXPECT_TRUE(std::filesystem::exists(dir / "baton.db"));
  std::string command =
      std::string(BATON_BINARY) + " runs --state " + dir.string() + " | grep -q " + result.id();
  EXPECT_EQ(std::system(command.c_str()), 0);
  std::filesystem::remove_all(dir);
}

TEST(LibraryTest, TheCliShowsAFinishedLibraryRunAndSaysWhyItCannotResumeIt) {
  auto dir = std::filesystem::temp_directory_path() /
             ("baton-lib-" + std::to_string(::getpid()) + "-after");
  std::filesystem::remove_all(dir);
  baton::Workflow wf("after");
  wf.task("zeta", [](baton::Context&) {});
  wf.task("alpha", [](baton::Context&) { throw std::runtime_error("no"); });
  auto result = run(wf, {.concurrency = 1, .state_dir = dir.string()});
  ASSERT_FALSE(result.succeeded());
  auto status =
      baton::testing::run_process({BATON_BINARY, "status", "last", "--state", dir.string()});
  EXPECT_EQ(status.exit_code, 0) << status.err;
  EXPECT_EQ(status.err, "") << "no workflow text to parse, no error about it";
  EXPECT_LT(status.out.find("zeta"), status.out.find("alpha")) << "in the order they ran";
  auto resume =
      baton::testing::run_process({BATON_BINARY, "resume", "last", "--state", dir.string()});
  EXPECT_EQ(resume.exit_code, 2) << resume.err;
  EXPECT_NE(resume.err.find("was made by a program with the C++ library"), std::string::npos)
      << resume.err;
  std::filesystem::remove_all(dir);
}

TEST(LibraryTest, TheCliSeesADurableRunLiveAndDoesNotOfferToResumeIt) {
  auto dir = std::filesystem::temp_directory_path() /
             ("baton-lib-" + std::to_string(::getpid()) + "-live");
  std::filesystem::remove_all(dir);
  std::atomic<bool> release{false};
  baton::Workflow wf("live");
  wf.task("wait", [&](baton::Context& ctx) {
    while (!release && !ctx.cancelled()) std::this_thread::sleep_for(5ms);
  });
  wf.task("broken", [](baton::Context&) { throw std::runtime_error("boom"); });
  auto handle = baton::Engine({.concurrency = 2, .state_dir = dir.string()}).start(wf);
  // While it runs, its process is recorded: `baton runs` says running, not interrupted.
  std::string runs = std::string(BATON_BINARY) + " runs --state " + dir.string();
  bool seen_running = false;
  for (int i = 0; i < 400 && !seen_running; ++i) {
    seen_running = std::system((runs + " | grep -q ' running '").c_str()) == 0;
    if (!seen_running) std::this_thread::sleep_for(10ms);
  }
  release = true;
  auto result = handle.wait();
  EXPECT_TRUE(seen_running) << "a live library run must not look interrupted";
  EXPECT_EQ(result.status(), baton::RunStatus::kFailed);
  auto markdown = result.report(baton::ReportFormat::kMarkdown);
  EXPECT_EQ(markdown.find("baton resume " + result.id()), std::string::npos)
      << "a library run has no workflow text to resume\n"
      << markdown;
  EXPECT_NE(markdown.find("run that program again"), std::string::npos) << markdown;
  std::filesystem::remove_all(dir);
}

TEST(LibraryTest, AGateOfADurableRunIsApprovedFromTheCli) {
  auto dir = std::filesystem::temp_directory_path() /
             ("baton-lib-" + std::to_string(::getpid()) + "-gate");
  std::filesystem::remove_all(dir);
  baton::Workflow wf("gated");
  std::atomic<bool> deployed{false};
  auto gate = wf.approval("sign_off");
  gate >> wf.task("deploy", [&](baton::Context&) { deployed = true; });
  auto handle = baton::Engine({.state_dir = dir.string()}).start(wf);
  // The gate is recorded as waiting within the store's 0.1 s; approve it as a user would.
  std::string approve = std::string(BATON_BINARY) + " approve last sign_off --state " +
                        dir.string() + " >/dev/null 2>&1";
  bool approved = false;
  for (int i = 0; i < 400 && !approved; ++i) {
    approved = std::system(approve.c_str()) == 0;
    if (!approved) std::this_thread::sleep_for(10ms);
  }
  ASSERT_TRUE(approved) << "baton approve never took the verdict";
  auto result = handle.wait();  // The process is not signalled: the engine polls for verdicts.
  EXPECT_EQ(result.status(), baton::RunStatus::kSucceeded);
  EXPECT_TRUE(deployed);
  std::filesystem::remove_all(dir);
}

TEST(LibraryTest, ALoadedWorkflowRunsItsCommandsInTheFilesFolder) {
  auto dir = std::filesystem::temp_directory_path() /
             ("baton-lib-" + std::to_string(::getpid()) + "-folder");
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir / "sub");
  std::ofstream(dir / "wf.yaml") << R"(name: folder
tasks:
  - { id: here, run: touch here.marker }
  - { id: below, cwd: sub, run: touch below.marker }
)";
  auto wf = baton::Workflow::load((dir / "wf.yaml").string());
  auto result = run(wf);  // From the test's own working directory, not the file's.
  EXPECT_TRUE(result.succeeded());
  EXPECT_TRUE(std::filesystem::exists(dir / "here.marker")) << "SPEC 1.2: the file's folder";
  EXPECT_TRUE(std::filesystem::exists(dir / "sub" / "below.marker"));
  std::filesystem::remove_all(dir);
}

TEST(LibraryTest, ValuesAFileCouldNotHoldAreRefusedWhenSet) {
  baton::Workflow wf("values");
  auto a = wf.task("a", [](baton::Context&) {});
  EXPECT_THROW(a.retry({.max_attempts = -2}), std::invalid_argument);
  EXPECT_THROW(a.retry({.backoff_coefficient = 0.5}), std::invalid_argument);
  EXPECT_THROW(a.retry({.jitter = 5.0}), std::invalid_argument);
  EXPECT_THROW(a.retry({.delay = -1s}), std::invalid_argument);
  EXPECT_THROW(a.timeout(-5s), std::invalid_argument);
  EXPECT_THROW(a.deadline(0ms), std::invalid_argument);
  EXPECT_THROW(a.kill_grace(-1ms), std::invalid_argument);
  EXPECT_THROW(a.foreach (std::vector<std::string>{}), std::invalid_argument);
  EXPECT_THROW(wf.shell("e", " "), std::invalid_argument);
  EXPECT_THROW(wf.breaker({.name = "b", .failure_threshold = 0}), std::invalid_argument);
  EXPECT_THROW(wf.breaker({.name = "b", .half_open_max = 0}), std::invalid_argument);
  EXPECT_THROW(wf.breaker({.failure_threshold = 2}), std::invalid_argument) << "no name";
  EXPECT_NO_THROW(a.retry({.max_attempts = 0}).deadline(1s).kill_grace(0ms));
  EXPECT_TRUE(wf.validate().empty());
}

TEST(LibraryTest, InvalidWorkflowsAreRefusedWithDiagnostics) {
  baton::Workflow pools("pools");
  pools.task("b", [](baton::Context&) {}).pool("gpu");
  auto diagnostics = pools.validate();
  ASSERT_EQ(diagnostics.size(), 1u);
  EXPECT_EQ(diagnostics[0].to_string(),
            "pools: 'b' uses unknown pool 'gpu' (declare it with Workflow::pool)");
  EXPECT_THROW(run(pools), std::invalid_argument);

  baton::Workflow cycle("cycle");
  auto a = cycle.task("a", [](baton::Context&) {});
  auto b = cycle.task("b", [](baton::Context&) {});
  a >> b >> a;
  diagnostics = cycle.validate();
  ASSERT_EQ(diagnostics.size(), 1u);
  EXPECT_NE(diagnostics[0].message.find("dependency cycle: a -> b -> a"), std::string::npos)
      << diagnostics[0].message;

  // Every error at once, as a workflow file's validation gives them: the cycle too.
  cycle.task("c", [](baton::Context&) {}).pool("gpu");
  diagnostics = cycle.validate();
  ASSERT_EQ(diagnostics.size(), 2u);
  EXPECT_EQ(diagnostics[0].message, "'c' uses unknown pool 'gpu'");
  EXPECT_NE(diagnostics[1].message.find("dependency cycle: a -> b -> a"), std::string::npos)
      << diagnostics[1].message;

  try {
    cycle.task(std::string(65, 'x'), [](baton::Context&) {});
    ADD_FAILURE() << "a 65-character id was taken";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("starting with a letter or '_', at most 64 characters"),
              std::string::npos)
        << e.what();
  }

  baton::Workflow itself("itself");
  auto lonely = itself.task("lonely", [](baton::Context&) {});
  lonely >> lonely;
  diagnostics = itself.validate();
  ASSERT_EQ(diagnostics.size(), 1u);
  EXPECT_EQ(diagnostics[0].message, "'lonely' cannot need itself");

  EXPECT_THROW(cycle.command("blank", {"", "x"}), std::invalid_argument);
  EXPECT_THROW(cycle.task("not valid!", [](baton::Context&) {}), std::invalid_argument);
  EXPECT_THROW(a.task("child", [](baton::Context&) {}), std::invalid_argument);
}

TEST(LibraryTest, AWorkflowFileLoadsIntoTheSameModel) {
  auto file = std::filesystem::temp_directory_path() /
              ("baton-lib-" + std::to_string(::getpid()) + ".yaml");
  {
    std::ofstream out(file);
    out << "name: loaded\ntasks:\n  - id: hello\n    run: /bin/true\n";
  }
  auto wf = baton::Workflow::load(file.string());
  wf.task("after", [](baton::Context&) {}).needs(wf.at("hello"));
  auto result = run(wf);
  ASSERT_TRUE(result.succeeded()) << result.report();
  EXPECT_EQ(result.tasks().size(), 2u);
  std::filesystem::remove(file);
}

}  // namespace
