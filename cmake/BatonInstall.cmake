# The installable package (SPEC 7): `cmake --install` puts the `baton` command in bin/, the
# public headers (include/baton/, nothing else) in include/, every module's objects in one
# archive, lib/libbaton.a, and a CMake package, so that a consumer writes
#   find_package(baton CONFIG REQUIRED)
#   target_link_libraries(app PRIVATE baton::baton)
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

add_library(baton_library STATIC
  $<TARGET_OBJECTS:baton_lib> $<TARGET_OBJECTS:baton_report> $<TARGET_OBJECTS:baton_store>
  $<TARGET_OBJECTS:baton_exec> $<TARGET_OBJECTS:baton_engine> $<TARGET_OBJECTS:baton_analyze>
  $<TARGET_OBJECTS:baton_load> $<TARGET_OBJECTS:baton_model>)
set_target_properties(baton_library PROPERTIES OUTPUT_NAME baton EXPORT_NAME baton)
target_include_directories(baton_library INTERFACE
  $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include>
  $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
target_compile_features(baton_library INTERFACE cxx_std_20)
# What the archive's objects call: consumers link these too (batonConfig.cmake finds them).
target_link_libraries(baton_library INTERFACE
  fmt::fmt SQLiteCpp SQLite::SQLite3 ZLIB::ZLIB PkgConfig::libyaml Threads::Threads)
add_library(baton::baton ALIAS baton_library)

install(TARGETS baton RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS baton_library EXPORT batonTargets ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/baton DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT batonTargets NAMESPACE baton::
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/baton)
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/batonConfig.cmake.in
  ${PROJECT_BINARY_DIR}/batonConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/baton)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/batonConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/batonConfig.cmake ${PROJECT_BINARY_DIR}/batonConfigVersion.cmake
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/baton)
