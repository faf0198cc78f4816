// The HTML report from the JSON document as report_json() builds it.
#include "report/html.hpp"

#include <nlohmann/json.hpp>

namespace baton::report {
namespace {

// The document as nlohmann::json (keys sorted, as render_html takes it), node by node: a third
// of the cost of printing it and parsing the text back.
nlohmann::json unordered(const nlohmann::ordered_json& value) {
  switch (value.type()) {
    case nlohmann::ordered_json::value_t::object: {
      nlohmann::json out = nlohmann::json::object();
      for (const auto& [key, item] : value.items()) out.emplace(key, unordered(item));
      return out;
    }
    case nlohmann::ordered_json::value_t::array: {
      nlohmann::json out = nlohmann::json::array();
      out.get_ref<nlohmann::json::array_t&>().reserve(value.size());
      for (const auto& item : value) out.push_back(unordered(item));
      return out;
    }
    case nlohmann::ordered_json::value_t::string:
      return value.get_ref<const std::string&>();
    case nlohmann::ordered_json::value_t::boolean:
      return value.get<bool>();
    case nlohmann::ordered_json::value_t::number_integer:
      return value.get<std::int64_t>();
    case nlohmann::ordered_json::value_t::number_unsigned:
      return value.get<std::uint64_t>();
    case nlohmann::ordered_json::value_t::number_float:
      return value.get<double>();
    default:
      return nullptr;
  }
}

// The HTML report is drawn from the JSON document alone (report/html.hpp).

}  // namespace

std::string render_html(const nlohmann::ordered_json& document) {
  return render_html(unordered(document));
}

}  // namespace baton::report
