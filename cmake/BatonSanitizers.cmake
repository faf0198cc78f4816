# Builds every target after this point with the sanitizers named in BATON_SANITIZE (compile and
# link flags at directory scope, so libraries, tests and the `baton` binary agree). scripts/sanitize
# uses it; a report aborts the process, so a sanitizer finding fails the test that caused it.
set(BATON_SANITIZE "" CACHE STRING
  "Sanitizers for every target: empty (none), address,undefined, address, undefined or thread")
set_property(CACHE BATON_SANITIZE
  PROPERTY STRINGS "" "address,undefined" "address" "undefined" "thread")

if(BATON_SANITIZE)
  string(REPLACE "," ";" _baton_sanitizers "${BATON_SANITIZE}")
  foreach(_baton_sanitizer IN LISTS _baton_sanitizers)
    if(NOT _baton_sanitizer MATCHES "^(address|undefined|thread)$")
      message(FATAL_ERROR "BATON_SANITIZE: unknown sanitizer '${_baton_sanitizer}' "
        "(expected address, undefined or thread)")
    endif()
  endforeach()
  if("thread" IN_LIST _baton_sanitizers AND "address" IN_LIST _baton_sanitizers)
    message(FATAL_ERROR "BATON_SANITIZE: thread and address cannot be combined")
  endif()

  # Frame pointers give whole stacks in reports; no recovery makes UBSan abort like ASan does.
  set(_baton_sanitize_flags -fsanitize=${BATON_SANITIZE} -fno-omit-frame-pointer)
  if("undefined" IN_LIST _baton_sanitizers)
    list(APPEND _baton_sanitize_flags -fno-sanitize-recover=all)
  endif()
  # GCC warns that the instrumentation brings false positives; at -O1 it finds "maybe
  # uninitialized" members in libstdc++'s <regex>. The normal build keeps that warning.
  add_compile_options(${_baton_sanitize_flags} -Wno-maybe-uninitialized)
  add_link_options(${_baton_sanitize_flags})
  message(STATUS "baton: sanitizers ${BATON_SANITIZE}")
endif()
