// Test-only: prints the HTML report of a JSON report file, so the browser test can render a
// fixture without a recorded run. Usage: render_html_fixture REPORT.json > report.html
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "report/html.hpp"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: render_html_fixture REPORT.json\n";
    return 2;
  }
  std::ifstream in(argv[1]);
  const auto report = nlohmann::ordered_json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (in.bad() || report.is_discarded()) {
    std::cerr << "render_html_fixture: cannot read JSON from " << argv[1] << "\n";
    return 1;
  }
  std::cout << baton::report::render_html(report);
  return 0;
}
