#include "model/enums.hpp"

namespace baton::model {

std::string_view plural(Level level) {
  switch (level) {
    case Level::kEpic:
      return "epics";
    case Level::kStory:
      return "stories";
    case Level::kTask:
      return "tasks";
    case Level::kSubtask:
      return "subtasks";
  }
  return "?";
}

}  // namespace baton::model
