# scripts/build-curl's lean static libcurl, found without the caller naming it: `pip install .` and cmake-js
# configure the project without scripts/build (and scikit-build-core fills CMAKE_PREFIX_PATH with its own
# site-packages), so the cached build goes first in the search unless a CURL_DIR was given or ALITH_SYSTEM_CURL
# asks for the system's libcurl.
if((NOT CURL_DIR OR NOT EXISTS "${CURL_DIR}") AND NOT DEFINED ENV{ALITH_SYSTEM_CURL})
  set(_alith_curl_cache "$ENV{HOME}/.cache/alith")
  if(DEFINED ENV{ALITH_CACHE_DIR})
    set(_alith_curl_cache "$ENV{ALITH_CACHE_DIR}")
  endif()
  set(_alith_curl_prefix "${_alith_curl_cache}/curl-8.22.0/install")
  if(EXISTS "${_alith_curl_prefix}/.alith-built" AND NOT _alith_curl_prefix IN_LIST CMAKE_PREFIX_PATH)
    list(PREPEND CMAKE_PREFIX_PATH "${_alith_curl_prefix}")
  endif()
endif()
