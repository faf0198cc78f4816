// Text that came from tasks (items, reasons, log lines), made safe for the Markdown report and
// the terminal: a line break in an item must not start a line of its own (a forged `- [x]` or
// `### Next Steps`), and an escape sequence in a log must not command the terminal that prints
// the report (clear it, retitle it). Written as escapes, so that nothing is lost from view.
#pragma once

#include <string>
#include <string_view>

namespace baton::report {

/// `text` on one line: line breaks, tabs and every other control character written as `\n`,
/// `\r`, `\t` and `\xHH` (C1 controls, U+0080 to U+009F, as `\u0080`...).
std::string one_line(std::string_view text);

/// As one_line, but line breaks and tabs are kept: for whole documents and log tails.
std::string without_controls(std::string_view text);

}  // namespace baton::report
