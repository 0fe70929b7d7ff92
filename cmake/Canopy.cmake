# Helpers that give every module under src/ one CMake target, canopy::<module>.
#
# A module's headers sit beside its sources (src/core/frames.h) and are
# included as "canopy/core/frames.h". Each module exposes only its own
# directory, through a per-module include root in the build tree, so a
# header of a module that is not among the declared dependencies cannot be
# found: a wrong-way include fails to compile.

# canopy_module(NAME SOURCES a.cc ... [DEPS canopy::x ...] [LIBS ext ...])
function(canopy_module name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;LIBS" ${ARGN})
  set(root "${CMAKE_BINARY_DIR}/include/${name}")
  file(MAKE_DIRECTORY "${root}/canopy")
  if(NOT EXISTS "${root}/canopy/${name}")
    file(CREATE_LINK "${CMAKE_CURRENT_SOURCE_DIR}" "${root}/canopy/${name}" SYMBOLIC)
  endif()
  if(ARG_SOURCES)
    add_library(canopy_${name} STATIC ${ARG_SOURCES})
    set(scope PUBLIC)
  else()  # headers only
    add_library(canopy_${name} INTERFACE)
    set(scope INTERFACE)
  endif()
  add_library(canopy::${name} ALIAS canopy_${name})
  target_include_directories(canopy_${name} ${scope} "${root}")
  target_link_libraries(canopy_${name} ${scope} ${ARG_DEPS} ${ARG_LIBS})
endfunction()

# canopy_test(NAME SOURCES a_test.cc ... DEPS canopy::x ...)
function(canopy_test name)
  if(NOT CANOPY_BUILD_TESTS)
    return()
  endif()
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gtest_main)
  target_compile_definitions(${name} PRIVATE CANOPY_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
  include(GoogleTest)
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60)
endfunction()
