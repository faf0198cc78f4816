// The JSON report's text. nlohmann's dump() decodes every byte of every string through its UTF-8
// state machine, which made printing a 10,000-task report (10 MB) cost as much as building it;
// this writer copies plain strings whole and leaves only the rare string that needs escaping to
// nlohmann. The output is byte for byte what dump(2) gives with invalid UTF-8 replaced by U+FFFD.
#pragma once

#include <nlohmann/json.hpp>
#include <ostream>
#include <string>

namespace baton::report {

/// `document` indented by two spaces, as `document.dump(2, ' ', false, replace)`, plus a final
/// newline. Logs, outputs and items are a task's bytes, not necessarily UTF-8, which JSON must
/// be: a stray byte becomes U+FFFD rather than failing the report.
std::string json_text(const nlohmann::ordered_json& document);

/// The same text, written to `out` as it is made, a piece at a time.
void write_json_text(const nlohmann::ordered_json& document, std::ostream& out);

}  // namespace baton::report
