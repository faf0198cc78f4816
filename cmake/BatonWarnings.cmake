# Warnings as errors on baton's own code only; third-party headers come in as SYSTEM.
function(baton_target_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Werror -Wshadow -Wnon-virtual-dtor)
endfunction()
