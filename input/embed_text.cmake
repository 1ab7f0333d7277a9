# Writes a C++ source file holding the bytes of a text file, for the
# binary to carry it (input/CMakeLists.txt): cmake -DIN=FILE -DOUT=FILE.cpp
# -DFUNCTION=name -P embed_text.cmake defines
# `const std::string& vmss::input::FUNCTION()`.
file(READ "${IN}" hex HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
string(REGEX REPLACE "((0x..,){16})" "\\1\n    " bytes "${bytes}")
file(WRITE "${OUT}.tmp"
"// Generated from ${IN} by input/embed_text.cmake: do not edit.
#include <string>

namespace vmss::input {

const std::string& ${FUNCTION}() {
  static const unsigned char bytes[] = {
    ${bytes}0x00};
  static const std::string text(reinterpret_cast<const char*>(bytes),
                                sizeof bytes - 1);
  return text;
}

} // namespace vmss::input
")
file(COPY_FILE "${OUT}.tmp" "${OUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUT}.tmp")
