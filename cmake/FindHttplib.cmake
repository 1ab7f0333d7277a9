# cpp-httplib, the live view's HTTP server (runners/live_view.cpp). Debian's
# libcpp-httplib-dev ships httplib.h and a compiled libcpp-httplib built with
# OpenSSL, zlib and Brotli support: the header must see the same macros.
# Provides httplib::httplib.
find_path(HTTPLIB_INCLUDE_DIR httplib.h)
find_library(HTTPLIB_LIBRARY cpp-httplib)
if(NOT HTTPLIB_INCLUDE_DIR OR NOT HTTPLIB_LIBRARY)
  message(FATAL_ERROR "cpp-httplib not found (httplib.h: ${HTTPLIB_INCLUDE_DIR}, "
    "libcpp-httplib: ${HTTPLIB_LIBRARY}). Install Debian's libcpp-httplib-dev "
    "(scripts/setup.sh does).")
endif()
set(Httplib_FOUND TRUE)
if(NOT TARGET httplib::httplib)
  add_library(httplib::httplib UNKNOWN IMPORTED)
  set_target_properties(httplib::httplib PROPERTIES
    IMPORTED_LOCATION "${HTTPLIB_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${HTTPLIB_INCLUDE_DIR}"
    INTERFACE_COMPILE_DEFINITIONS
      "CPPHTTPLIB_OPENSSL_SUPPORT;CPPHTTPLIB_ZLIB_SUPPORT;CPPHTTPLIB_BROTLI_SUPPORT"
    INTERFACE_LINK_LIBRARIES "OpenSSL::SSL;OpenSSL::Crypto")
endif()
