#include "kernel/run_secret.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace vmss {

namespace {

constexpr size_t secret_bytes = 32;
constexpr size_t min_hex = 32, max_hex = 128;

std::string to_hex(const unsigned char* data, size_t n) {
  static const char digits[] = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < n; ++i) {
    out.push_back(digits[data[i] >> 4]);
    out.push_back(digits[data[i] & 15]);
  }
  return out;
}

/// HMAC-SHA256(key, role): 32 raw bytes.
std::string token(const std::string& key, const std::string& role) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  if (!HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
            reinterpret_cast<const unsigned char*>(role.data()), role.size(),
            out, &n))
    throw std::runtime_error("cannot derive the run tokens (HMAC failed)");
  return std::string(reinterpret_cast<const char*>(out), n);
}

bool same(const std::string& a, const std::string& b) {
  return a.size() == b.size() && !a.empty() &&
         CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

} // namespace

std::string generate_run_secret() {
  unsigned char bytes[secret_bytes];
  size_t got = 0;
  while (got < secret_bytes) {
    ssize_t n = getrandom(bytes + got, secret_bytes - got, 0);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      throw std::runtime_error(std::string("cannot make a run secret: "
                                           "getrandom: ") +
                               std::strerror(errno));
    got += static_cast<size_t>(n);
  }
  return to_hex(bytes, secret_bytes);
}

std::string check_run_secret(const std::string& text) {
  auto b = text.find_first_not_of(" \t\r\n");
  auto e = text.find_last_not_of(" \t\r\n");
  std::string hex = b == std::string::npos ? "" : text.substr(b, e - b + 1);
  if (hex.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos)
    throw std::invalid_argument("a run secret is hex digits only");
  if (hex.size() < min_hex || hex.size() > max_hex)
    throw std::invalid_argument("a run secret has 32 to 128 hex digits "
                                "(this one has " +
                                std::to_string(hex.size()) + ")");
  for (auto& c : hex) // one secret, one key: case does not matter
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return hex;
}

std::string read_run_secret_file(const std::string& path) {
  auto fail = [&](const std::string& why) {
    return std::runtime_error(path + ": " + why);
  };
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0)
    throw fail(std::string("cannot read the secret file: ") +
               std::strerror(errno));
  if (!S_ISREG(st.st_mode))
    throw fail("the secret file is not a regular file");
  if (st.st_uid != ::geteuid())
    throw fail("the secret file belongs to another user");
  if ((st.st_mode & 077) != 0)
    throw fail("the secret file is open to group or others (chmod 600 it)");
  if (st.st_size > 4096)
    throw fail("the secret file is larger than 4096 bytes");
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in)
    throw fail("cannot read the secret file");
  try {
    return check_run_secret(text.str());
  } catch (const std::invalid_argument& e) {
    throw fail(e.what());
  }
}

run_tokens::run_tokens(const std::string& secret, uint32_t nodes) {
  auto key = check_run_secret(secret);
  coordinator_ = token(key, "vmss-sim coordinator");
  for (uint32_t k = 0; k < nodes; ++k)
    nodes_.push_back(token(key, "vmss-sim node " + std::to_string(k)));
}

bool run_tokens::proves_node(uint32_t k, const std::string& token) const {
  return k < nodes_.size() && same(nodes_[k], token);
}

bool run_tokens::proves_coordinator(const std::string& token) const {
  return same(coordinator_, token);
}

} // namespace vmss
