# One place for warnings, sanitizers and the target helpers every folder uses.

set(COMMENTD_WARNINGS -Wall -Wextra -Wpedantic)
if(CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  # Checks the GUARDED_BY / REQUIRES annotations of src/base/mutex.h; a
  # broken lock discipline fails every clang build, COMMENTD_WERROR or not.
  list(APPEND COMMENTD_WARNINGS -Wthread-safety -Werror=thread-safety)
endif()
if(COMMENTD_WERROR)
  list(APPEND COMMENTD_WARNINGS -Werror)
endif()

if(COMMENTD_SANITIZE AND COMMENTD_TSAN)
  message(FATAL_ERROR "COMMENTD_SANITIZE (ASan) and COMMENTD_TSAN cannot be combined; use two build dirs")
endif()
if(COMMENTD_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()
if(COMMENTD_FUZZ)
  # Coverage instrumentation and sanitizers in every library the fuzzers
  # reach, not only in the fuzzer's own file: libFuzzer steers by the
  # coverage of the code under test.
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()
if(COMMENTD_TSAN)
  add_compile_options(-fsanitize=thread -fno-omit-frame-pointer)
  add_link_options(-fsanitize=thread)
endif()

# Which tests the sanitizer builds of ./dev test build and run, by label:
# - `concurrent` (target concurrent_tests; the TSan build runs
#   `ctest -L concurrent`): tests that run code on several threads at once:
#   the stores (their contract and comment-service suites run readers beside
#   the group-commit writer), the service's own tests, and the integration
#   tests that post to a multi-threaded server.
# - `asan` (target asan_tests; the ASan+UBSan build runs `ctest -L asan`):
#   every unit test, plus the integration tests that drive the HTTP parsing
#   and the handlers in-process or through the commentd binary.
set(COMMENTD_CONCURRENT_TESTS_REGEX
    "^(sqlite_store_test|postgres_store_test|comment_service_.*_test|http_api_test|client_keys_test|crash_test|multinode_test)$")
set(COMMENTD_ASAN_INTEGRATION_TESTS_REGEX
    "^(http_api_test|client_keys_test|hostile_input_test|access_test|server_limits_test|serve_test)$")
add_custom_target(concurrent_tests)
add_custom_target(asan_tests)

# commentd_library(NAME SRCS a.cc b.cc DEPS x y [PRIVATE_DEPS z])
function(commentd_library name)
  cmake_parse_arguments(ARG "" "" "SRCS;DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(${name} STATIC ${ARG_SRCS})
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_compile_options(${name} PRIVATE ${COMMENTD_WARNINGS})
  target_link_libraries(${name} PUBLIC ${ARG_DEPS} PRIVATE ${ARG_PRIVATE_DEPS})
endfunction()

# commentd_test(NAME SRCS x_test.cc DEPS lib [LABEL unit|integration|e2e])
# Tests run with the project root as working directory, so they can find testdata/.
function(commentd_test name)
  cmake_parse_arguments(ARG "" "LABEL" "SRCS;DEPS" ${ARGN})
  if(NOT ARG_LABEL)
    set(ARG_LABEL unit)
  endif()
  add_executable(${name} ${ARG_SRCS})
  target_compile_options(${name} PRIVATE ${COMMENTD_WARNINGS})
  target_compile_definitions(${name} PRIVATE
    COMMENTD_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    COMMENTD_BINARY_DIR="${PROJECT_BINARY_DIR}")
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gmock GTest::gtest_main)
  gtest_discover_tests(${name}
    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
    PROPERTIES LABELS ${ARG_LABEL}
    DISCOVERY_TIMEOUT 60)
  set(labels ${ARG_LABEL})
  if(name MATCHES "${COMMENTD_CONCURRENT_TESTS_REGEX}")
    list(APPEND labels concurrent)
    add_dependencies(concurrent_tests ${name})
  endif()
  if(ARG_LABEL STREQUAL "unit" OR name MATCHES "${COMMENTD_ASAN_INTEGRATION_TESTS_REGEX}")
    list(APPEND labels asan)
    add_dependencies(asan_tests ${name})
  endif()
  # gtest_discover_tests loses all but the first of several labels (CMake
  # 3.25 splits the list), so ctest sets them on the discovered tests
  # (${name}_TESTS, from its file) in a file of its own, included after it.
  set(labels_file ${CMAKE_CURRENT_BINARY_DIR}/${name}_labels.cmake)
  file(WRITE ${labels_file}
    "foreach(test IN LISTS ${name}_TESTS)\n"
    "  set_tests_properties(\"\${test}\" PROPERTIES LABELS \"${labels}\")\n"
    "endforeach()\n")
  set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES ${labels_file})
endfunction()

# commentd_benchmark(NAME SRCS x_benchmark.cc DEPS lib)
function(commentd_benchmark name)
  cmake_parse_arguments(ARG "" "" "SRCS;DEPS" ${ARGN})
  add_executable(${name} ${ARG_SRCS})
  target_compile_options(${name} PRIVATE ${COMMENTD_WARNINGS})
  target_compile_definitions(${name} PRIVATE COMMENTD_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} benchmark::benchmark)
endfunction()

# commentd_fuzzer(NAME SRCS x_fuzzer.cc DEPS lib): only with COMMENTD_FUZZ and clang.
function(commentd_fuzzer name)
  cmake_parse_arguments(ARG "" "" "SRCS;DEPS" ${ARGN})
  if(NOT COMMENTD_FUZZ)
    return()
  endif()
  add_executable(${name} ${ARG_SRCS})
  target_compile_options(${name} PRIVATE -fsanitize=fuzzer)
  target_link_options(${name} PRIVATE -fsanitize=fuzzer)
  target_link_libraries(${name} PRIVATE ${ARG_DEPS})
endfunction()
