// `${{ ... }}` templates (SPEC 1.4): finding them in a string, and telling what each one names.
#include "model/templates.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace baton::model {
namespace {

std::vector<std::string> texts(const TemplateScan& scan) {
  std::vector<std::string> out;
  for (const auto& expr : scan.exprs) out.push_back(expr.text);
  return out;
}

TEST(ScanTemplates, FindsNothingInPlainText) {
  auto scan = scan_templates("make -j4 $HOME {{ not }} ${ nor }");
  EXPECT_TRUE(scan.exprs.empty());
  EXPECT_EQ(scan.error, "");
}

TEST(ScanTemplates, FindsOneTemplateAndWhereItStarts) {
  auto scan = scan_templates("./shard.sh ${{ item }}");
  ASSERT_EQ(scan.exprs.size(), 1u);
  EXPECT_EQ(scan.exprs[0].text, "item");
  EXPECT_EQ(scan.exprs[0].offset, 11u);
  EXPECT_EQ(scan.error, "");
}

TEST(ScanTemplates, TrimsSpacesAndTabsInsideTheBraces) {
  EXPECT_EQ(texts(scan_templates("${{item}}")), std::vector<std::string>{"item"});
  EXPECT_EQ(texts(scan_templates("${{ \t run.id \t }}")), std::vector<std::string>{"run.id"});
}

TEST(ScanTemplates, FindsEveryTemplateInOrder) {
  auto scan = scan_templates("${{ item }}-${{ item_index }}/${{ tasks.a.outputs.b }}");
  EXPECT_EQ(texts(scan), (std::vector<std::string>{"item", "item_index", "tasks.a.outputs.b"}));
  ASSERT_EQ(scan.exprs.size(), 3u);
  EXPECT_EQ(scan.exprs[0].offset, 0u);
  EXPECT_EQ(scan.exprs[1].offset, 12u);
  EXPECT_EQ(scan.exprs[2].offset, 30u);
}

TEST(ScanTemplates, KeepsAnEmptyTemplateForTheCallerToReject) {
  EXPECT_EQ(texts(scan_templates("${{ }}")), std::vector<std::string>{""});
}

TEST(ScanTemplates, IgnoresAStrayClosingPair) {
  EXPECT_EQ(texts(scan_templates("}} ${{ item }} }}")), std::vector<std::string>{"item"});
}

TEST(ScanTemplates, ReportsAnUnclosedTemplateAndWhereItStarts) {
  auto scan = scan_templates("make ${{ item }");
  EXPECT_EQ(scan.error, "unclosed '${{': expected '}}'");
  EXPECT_EQ(scan.error_offset, 5u);
}

TEST(ScanTemplates, KeepsTheTemplatesBeforeAnUnclosedOne) {
  auto scan = scan_templates("${{ item }} ${{ run.id");
  EXPECT_EQ(texts(scan), std::vector<std::string>{"item"});
  EXPECT_EQ(scan.error, "unclosed '${{': expected '}}'");
  EXPECT_EQ(scan.error_offset, 12u);
}

TEST(ClassifyTemplate, RecognisesTheRunId) {
  EXPECT_EQ(classify_template("run.id", "item").kind, TemplateKind::kRunId);
}

TEST(ClassifyTemplate, RecognisesTheDefaultItemAndItsIndex) {
  EXPECT_EQ(classify_template("item", "item").kind, TemplateKind::kItem);
  EXPECT_EQ(classify_template("item_index", "item").kind, TemplateKind::kItemIndex);
}

TEST(ClassifyTemplate, RecognisesTheNameGivenByAsAndItsIndex) {
  EXPECT_EQ(classify_template("target", "target").kind, TemplateKind::kItem);
  EXPECT_EQ(classify_template("target_index", "target").kind, TemplateKind::kItemIndex);
}

TEST(ClassifyTemplate, NoLongerKnowsItemOnceAsRenamesIt) {
  EXPECT_EQ(classify_template("item", "target").kind, TemplateKind::kUnknown);
}

TEST(ClassifyTemplate, KeepsItemIndexWhateverTheItemIsCalled) {
  EXPECT_EQ(classify_template("item_index", "target").kind, TemplateKind::kItemIndex);
}

TEST(ClassifyTemplate, ReadsATaskOutputReference) {
  auto meaning = classify_template("tasks.build.outputs.version", "item");
  EXPECT_EQ(meaning.kind, TemplateKind::kTaskOutput);
  EXPECT_EQ(meaning.ref, "build");
  EXPECT_EQ(meaning.key, "version");
}

TEST(ClassifyTemplate, ReadsATaskOutputReferenceByPath) {
  auto meaning = classify_template("tasks.ci.build.outputs.version", "item");
  EXPECT_EQ(meaning.kind, TemplateKind::kTaskOutput);
  EXPECT_EQ(meaning.ref, "ci.build");
  EXPECT_EQ(meaning.key, "version");
}

TEST(ClassifyTemplate, ReadsATaskCalledOutputs) {
  auto meaning = classify_template("tasks.outputs.outputs.files", "item");
  EXPECT_EQ(meaning.kind, TemplateKind::kTaskOutput);
  EXPECT_EQ(meaning.ref, "outputs");
  EXPECT_EQ(meaning.key, "files");
}

TEST(ClassifyTemplate, RejectsATaskOutputReferenceWithAPartMissing) {
  EXPECT_EQ(classify_template("tasks.build.outputs.", "item").kind, TemplateKind::kUnknown);
  EXPECT_EQ(classify_template("tasks..outputs.version", "item").kind, TemplateKind::kUnknown);
  EXPECT_EQ(classify_template("tasks.outputs.version", "item").kind, TemplateKind::kUnknown);
  EXPECT_EQ(classify_template("tasks.build.version", "item").kind, TemplateKind::kUnknown);
  EXPECT_EQ(classify_template("tasks.build", "item").kind, TemplateKind::kUnknown);
}

TEST(ClassifyTemplate, RejectsAnythingElse) {
  for (const char* expr : {"", "run", "run.name", "env.HOME", "items", "item.index", "Item",
                           "outputs.build.version", "steps.build.outputs.version"}) {
    EXPECT_EQ(classify_template(expr, "item").kind, TemplateKind::kUnknown) << expr;
  }
}

}  // namespace
}  // namespace baton::model
