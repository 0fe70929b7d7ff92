// Helpers of the command-line tests: run the real binary and read what it
// wrote.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace cli_testing {

namespace fs = std::filesystem;

struct Output {
  int code = -1;
  std::string out, err;
};

inline std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline fs::path temp_dir(const std::string& name) {
  const fs::path d =
      fs::temp_directory_path() / ("canopy_cli_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

// Runs a shell command, capturing both streams.
inline Output shell(const std::string& command) {
  const fs::path err = temp_dir("stderr") / "err.txt";
  const std::string cmd = "{ " + command + "; } 2>" + err.string();
  Output o;
  FILE* p = ::popen(cmd.c_str(), "r");
  std::array<char, 4096> buf{};
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) o.out.append(buf.data(), n);
  const int status = ::pclose(p);
  o.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  o.err = slurp(err);
  return o;
}

// Runs the binary with arguments (shell syntax).
inline Output canopy(const std::string& args) {
  return shell(std::string(CANOPY_BINARY) + " " + args);
}

inline fs::path write(const fs::path& dir, const std::string& name, const std::string& text) {
  std::ofstream(dir / name) << text;
  return dir / name;
}

}  // namespace cli_testing
