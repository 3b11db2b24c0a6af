# llama.cpp, built once by scripts/build-llama into a cache outside the clone (or a user's own install named by
# ALITH_LLAMA_DIR). Provides the imported targets llama (from llama.cpp's own package config) and
# alith::llama_common: llama.cpp's `common` library, which installs no headers or package config of its own;
# build-llama copies its headers to <prefix>/include/llama-common.
set(_alith_cache "$ENV{HOME}/.cache/alith")
if(DEFINED ENV{ALITH_CACHE_DIR})
  set(_alith_cache "$ENV{ALITH_CACHE_DIR}")
endif()
if(NOT ALITH_LLAMA_PREFIX)
  if(DEFINED ENV{ALITH_LLAMA_DIR})
    set(ALITH_LLAMA_PREFIX "$ENV{ALITH_LLAMA_DIR}")
  else()
    set(ALITH_LLAMA_PREFIX "${_alith_cache}/llama.cpp-3.22.1-cpu-r2/install")
  endif()
endif()

find_package(llama CONFIG REQUIRED PATHS "${ALITH_LLAMA_PREFIX}" NO_DEFAULT_PATH)
find_library(ALITH_LLAMA_COMMON_LIB NAMES llama-common PATHS "${ALITH_LLAMA_PREFIX}/lib" NO_DEFAULT_PATH NO_CACHE
  REQUIRED)
find_path(ALITH_LLAMA_COMMON_INCLUDE NAMES chat.h PATHS "${ALITH_LLAMA_PREFIX}/include/llama-common" NO_DEFAULT_PATH NO_CACHE
  REQUIRED)
add_library(alith_llama_common SHARED IMPORTED GLOBAL)
add_library(alith::llama_common ALIAS alith_llama_common)
set_target_properties(alith_llama_common PROPERTIES
  IMPORTED_LOCATION "${ALITH_LLAMA_COMMON_LIB}"
  INTERFACE_INCLUDE_DIRECTORIES "${ALITH_LLAMA_COMMON_INCLUDE}"
  INTERFACE_LINK_LIBRARIES llama)

# The real llama.cpp version, recorded by build-llama (tag and commit), for `alith --version` and model metadata.
set(ALITH_LLAMA_VERSION "unknown")
if(EXISTS "${ALITH_LLAMA_PREFIX}/llama.cpp.version")
  file(STRINGS "${ALITH_LLAMA_PREFIX}/llama.cpp.version" _llama_version_lines)
  set(_tag "")
  set(_commit "")
  foreach(_line IN LISTS _llama_version_lines)
    if(_line MATCHES "^tag=(.*)$")
      set(_tag "${CMAKE_MATCH_1}")
    elseif(_line MATCHES "^commit=(.......)")
      set(_commit "${CMAKE_MATCH_1}")
    endif()
  endforeach()
  set(ALITH_LLAMA_VERSION "${_tag} (${_commit})")
endif()
message(STATUS "llama.cpp ${ALITH_LLAMA_VERSION} from ${ALITH_LLAMA_PREFIX}")

# The chat model tests and benchmarks run on (scripts/setup installs it into the model cache).
if(NOT ALITH_TEST_MODEL)
  set(ALITH_TEST_MODEL "${_alith_cache}/models/gemma-3-270m-q4_k_m.gguf")
endif()
