#pragma once

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace e2e {

struct Outcome {
  int status = -1;
  std::string out;
  std::string err;
};

/// A fresh empty folder under the system temp folder, removed when the object dies.
class TempDir {
 public:
  TempDir() {
    std::string templ = (std::filesystem::temp_directory_path() / "chipsim-e2e-XXXXXX").string();
    path_ = mkdtemp(templ.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string operator/(const std::string& name) const { return (path_ / name).string(); }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

inline std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline std::string quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

/// Runs the chipsim binary with `args` (already shell-quoted where needed) and no stdin.
inline Outcome chipsim(const std::string& args) {
  TempDir tmp;
  const std::string out = tmp / "out";
  const std::string err = tmp / "err";
  const std::string cmd =
      std::string(CHIPSIM_BINARY) + " " + args + " </dev/null >" + out + " 2>" + err;
  const int raw = std::system(cmd.c_str());
  Outcome o;
  o.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  o.out = slurp(out);
  o.err = slurp(err);
  return o;
}

/// Runs `command` in a shell; returns its exit status.
inline int shell(const std::string& command) {
  const int raw = std::system(command.c_str());
  return WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
}

/// Runs `command` in a shell with no stdin; returns its exit status and what it wrote.
inline Outcome capture(const std::string& command) {
  TempDir tmp;
  const std::string out = tmp / "out";
  const std::string err = tmp / "err";
  const std::string cmd = "( " + command + " ) </dev/null >" + out + " 2>" + err;
  const int raw = std::system(cmd.c_str());
  Outcome o;
  o.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  o.out = slurp(out);
  o.err = slurp(err);
  return o;
}

/// How a background command ended after `kill_when` killed it.
struct Killed {
  int status = -1;           ///< its exit status; 137 = killed by SIGKILL
  bool output_seen = false;  ///< a file stood at OUT at some look while it ran, or after
};

/// Starts `command` (which writes OUT) in the background, waits until the shell test
/// `condition` holds (looking without a pause when `busy`, else every 10 ms), kills it with
/// SIGKILL and reports how it ended. With `group`, the command runs in a session of its own
/// and every process in it is killed (mpirun and the processes it started, as a batch system
/// kills a job).
inline Killed kill_when(const std::string& command, const std::string& out,
                        const std::string& condition, bool busy = false, bool group = false) {
  // every process of the session (mpirun puts the processes it starts in groups of their own):
  // field 6 of /proc/PID/stat is the session id; command names here have no spaces
  const std::string kill_session =
      "for s in /proc/[0-9]*/stat; do set -- $(cat \"$s\" 2>/dev/null) x x x x x x; "
      "[ \"$6\" = \"$pid\" ] && kill -9 \"$1\" 2>/dev/null; done\n";
  const std::string script =
      "OUT=" + quote(out) + "\n" + (group ? "setsid " : "") + command +
      " >/dev/null 2>&1 & pid=$!\n" + "seen=0\nwhile ! { " + condition + "; }; do\n" +
      "  [ -e \"$OUT\" ] && seen=1\n  kill -0 $pid 2>/dev/null || break\n" +
      (busy ? "" : "  sleep 0.01\n") + "done\n" + "[ -e \"$OUT\" ] && seen=1\n" +
      (group ? kill_session : "kill -9 $pid 2>/dev/null\n") + "wait $pid\n" +
      "status=$?\n[ -e \"$OUT\" ] && seen=1\necho \"$status $seen\"\n";
  const auto o = capture(script);
  Killed k;
  std::istringstream in(o.out);
  in >> k.status >> k.output_seen;
  return k;
}

namespace detail {

inline std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

/// N of a line `N differences found`; -1 for any other line.
inline long long differences_count(const std::string& line) {
  const std::string tail = " differences found";
  if (line.size() <= tail.size() || line.compare(line.size() - tail.size(), tail.size(), tail) != 0)
    return -1;
  const std::string number = line.substr(0, line.size() - tail.size());
  if (number.find_first_not_of("0123456789") != std::string::npos) return -1;
  return std::stoll(number);
}

/// The text between double quotes as h5dump -e writes it, with its escapes undone.
inline std::string unescape(const std::string& quoted) {
  std::string text;
  for (std::size_t i = 1; i + 1 < quoted.size(); ++i) {
    const char c = quoted[i];
    if (c != '\\' || i + 2 >= quoted.size()) {
      text += c;
      continue;
    }
    const char e = quoted[++i];
    switch (e) {
      case 'n':
        text += '\n';
        break;
      case 't':
        text += '\t';
        break;
      case 'r':
        text += '\r';
        break;
      case 'a':
        text += '\a';
        break;
      case 'b':
        text += '\b';
        break;
      case 'f':
        text += '\f';
        break;
      case 'v':
        text += '\v';
        break;
      default:
        if (e >= '0' && e <= '7') {  // octal, up to three digits
          int code = e - '0';
          for (int k = 0;
               k < 2 && i + 2 < quoted.size() && quoted[i + 1] >= '0' && quoted[i + 1] <= '7'; ++k)
            code = code * 8 + (quoted[++i] - '0');
          text += static_cast<char>(code);
        } else {
          text += e;  // \\, \", \'
        }
    }
  }
  return text;
}

inline std::string trim(const std::string& s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return "";
  return s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1);
}

/// Runs h5dump; throws with its messages when it fails.
inline std::string h5dump(const std::string& args) {
  const Outcome o = capture("h5dump " + args);
  if (o.status != 0) throw std::runtime_error("h5dump " + args + " failed:\n" + o.out + o.err);
  return o.out;
}

/// The extent in an h5dump header (`DATASPACE  SIMPLE { ( 6, 2, 12, 5 ) / ...`); empty for a
/// scalar.
inline std::vector<unsigned long long> shape_in(const std::string& header) {
  const std::string mark = "DATASPACE  SIMPLE { (";
  const auto at = header.find(mark);
  if (at == std::string::npos) return {};
  const auto from = at + mark.size();
  std::istringstream dims(header.substr(from, header.find(')', from) - from));
  std::vector<unsigned long long> shape;
  for (std::string item; std::getline(dims, item, ',');) shape.push_back(std::stoull(item));
  return shape;
}

}  // namespace detail

/// What `h5diff -v1 a b` reports besides the root attribute `created_utc`: the report lines
/// of every object (group, dataset, attribute) with a non-zero "differences found" or that
/// h5diff could not compare, every object in one file only, and every object whose attributes
/// are not the same set in both files. Empty when the files hold the same objects and values,
/// created_utc aside. (`-v1` rather than `-v`: plain `-v` is silent about an attribute that
/// only one file has.)
inline std::string differences_besides_created(const std::string& a, const std::string& b) {
  const Outcome o = capture("h5diff -v1 " + quote(a) + " " + quote(b));
  if (o.status != 0 && o.status != 1)
    return "h5diff failed with status " + std::to_string(o.status) + ":\n" + o.out + o.err;
  std::string report;
  enum class Stage { header, objects, details } stage = Stage::header;
  std::vector<std::string> block;  // the lines of one object's comparison
  std::string last_object;         // the first line of the last finished block
  for (const std::string& line : detail::lines_of(o.out)) {
    if (stage == Stage::header) {
      if (line.rfind("---", 0) == 0) stage = Stage::objects;
      continue;
    }
    if (stage == Stage::objects) {
      // "    x      x    /path": an x under each file that has the object
      if (line.empty()) {
        stage = Stage::details;
        continue;
      }
      const std::string marks = line.substr(0, line.find('/'));
      if (std::count(marks.begin(), marks.end(), 'x') != 2)
        report += "in one file only: " + line + "\n";
      continue;
    }
    if (line.rfind("Attributes status:", 0) == 0) {
      if (line.find(" 0 only in obj1, 0 only in obj2") == std::string::npos)
        report.append(last_object).append("\n").append(line).append("\n");
      continue;
    }
    if (const long long n = detail::differences_count(line); n >= 0) {
      const bool created =
          !block.empty() &&
          block.front() == "attribute: <created_utc of </>> and <created_utc of </>>";
      bool incomparable = false;
      for (const std::string& l : block)
        if (l.rfind("Not comparable", 0) == 0 || l.rfind("Warning", 0) == 0) incomparable = true;
      if (!created && (n != 0 || incomparable)) {
        for (const std::string& l : block) report += l + "\n";
        report += line + "\n";
      }
      last_object = block.empty() ? std::string() : block.front();
      block.clear();
      continue;
    }
    if (!line.empty()) block.push_back(line);
  }
  if (stage != Stage::details) report += "unexpected h5diff output:\n" + o.out + o.err;
  for (const std::string& l : block) report += l + "\n";  // e.g. "Some objects are not comparable"
  return report;
}

/// A float64 dataset as read by h5_array.
struct H5Array {
  std::vector<unsigned long long> shape;  ///< the dataset's whole extent
  std::vector<double> values;             ///< row-major
};

/// The float64 dataset `dataset` of `file`, read exactly (h5dump's little-endian binary
/// output): its extent, and its values in row-major order (the hyperslab at `start` of
/// `count` elements per dimension when those are given, else all of them).
/// @throws std::runtime_error when h5dump fails or the dataset is not float64.
inline H5Array h5_array(const std::string& file, const std::string& dataset,
                        const std::vector<unsigned long long>& start = {},
                        const std::vector<unsigned long long>& count = {}) {
  static_assert(std::endian::native == std::endian::little, "reads h5dump -b LE output");
  const auto join = [](const std::vector<unsigned long long>& v) {
    std::string s;
    for (unsigned long long x : v) {
      if (!s.empty()) s += ',';
      s += std::to_string(x);
    }
    return s;
  };
  TempDir tmp;
  const std::string bin = tmp / "data.bin";
  std::string args = "-d " + quote(dataset);
  if (!start.empty()) args += " -s " + join(start) + " -c " + join(count);
  // with -o, h5dump writes the values to the file and the header to stdout
  const std::string header = detail::h5dump(args + " -b LE -o " + quote(bin) + " " + quote(file));
  if (header.find("DATATYPE  H5T_IEEE_F64LE") == std::string::npos)
    throw std::runtime_error(file + ": " + dataset + " is not a float64 dataset:\n" + header);
  const std::string bytes = slurp(bin);
  if (bytes.size() % sizeof(double) != 0)
    throw std::runtime_error(file + ": " + dataset + ": " + std::to_string(bytes.size()) +
                             " bytes is not a whole number of float64 values");
  H5Array array;
  array.shape = detail::shape_in(header);
  array.values.resize(bytes.size() / sizeof(double));
  if (!bytes.empty()) std::memcpy(array.values.data(), bytes.data(), bytes.size());
  return array;
}

/// The values of a float64 dataset, as h5_array reads them.
inline std::vector<double> h5_doubles(const std::string& file, const std::string& dataset,
                                      const std::vector<unsigned long long>& start = {},
                                      const std::vector<unsigned long long>& count = {}) {
  return h5_array(file, dataset, start, count).values;
}

/// The current extent of dataset `dataset` of `file`, e.g. {6, 2, 12, 5}; empty for a scalar.
/// @throws std::runtime_error when h5dump fails.
inline std::vector<unsigned long long> h5_shape(const std::string& file,
                                                const std::string& dataset) {
  return detail::shape_in(detail::h5dump("-H -d " + quote(dataset) + " " + quote(file)));
}

/// The data of an h5dump object, one row per element: a compound element gives one field per
/// member, any other element one field. Numbers are as h5dump prints them with `%.17g` (so a
/// float64 reads back exactly), strings without their quotes and escapes. `what` is `-d PATH`
/// for a dataset or `-a PATH/NAME` for an attribute.
/// @throws std::runtime_error when h5dump fails or prints no data.
inline std::vector<std::vector<std::string>> h5_rows(const std::string& file,
                                                     const std::string& what) {
  const std::string text = detail::h5dump("-e -y -w 0 -m %.17g " + what + " " + quote(file));
  const auto at = text.find("DATA {");
  if (at == std::string::npos)
    throw std::runtime_error(file + ": no data for " + what + ":\n" + text);
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> record;
  std::string field;
  int depth = 0;
  bool in_string = false;
  const auto finish_field = [&](std::vector<std::string>& into) {
    const std::string f = detail::trim(field);
    field.clear();
    if (f.empty()) return;
    into.push_back(f.size() >= 2 && f.front() == '"' ? detail::unescape(f) : f);
  };
  for (std::size_t i = at + 6; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      field += c;
      if (c == '\\' && i + 1 < text.size())
        field += text[++i];
      else if (c == '"')
        in_string = false;
      continue;
    }
    if (c == '"') {
      in_string = true;
      field += c;
    } else if (c == '{') {
      if (++depth == 1) record.clear();
    } else if (c == '}') {
      if (depth == 0) {  // the end of DATA
        std::vector<std::string> last;
        finish_field(last);
        if (!last.empty()) rows.push_back(last);
        return rows;
      }
      if (--depth == 0) {
        finish_field(record);
        rows.push_back(record);
      }
    } else if (c == ',') {
      if (depth == 1) {
        finish_field(record);
      } else if (depth == 0) {
        std::vector<std::string> single;
        finish_field(single);
        if (!single.empty()) rows.push_back(single);
      }
    } else {
      field += c;
    }
  }
  throw std::runtime_error(file + ": unterminated data for " + what + ":\n" + text);
}

/// A scalar string attribute, e.g. h5_string_attribute(f, "/", "created_utc").
/// @throws std::runtime_error when h5dump fails.
inline std::string h5_string_attribute(const std::string& file, const std::string& object,
                                       const std::string& name) {
  const std::string path = object == "/" ? "/" + name : object + "/" + name;
  const auto rows = h5_rows(file, "-a " + quote(path));
  if (rows.size() != 1 || rows.front().size() != 1)
    throw std::runtime_error(file + ": attribute " + path + " is not one string");
  return rows.front().front();
}

/// The path of every file in `folder` whose name starts with `prefix` and ends with `suffix`.
inline std::vector<std::string> files_in(const std::string& folder, const std::string& prefix,
                                         const std::string& suffix) {
  std::vector<std::string> found;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(folder, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.size() >= prefix.size() + suffix.size() && name.rfind(prefix, 0) == 0 &&
        name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0)
      found.push_back(entry.path().string());
  }
  return found;
}

/// The part files in OUT.parts/ (docs/cli.md, sweep).
inline std::size_t part_count(const std::string& output) {
  return files_in(output + ".parts", "p", ".h5").size();
}

/// A shell test for kill_when: OUT.parts/ holds at least `n` part files.
inline std::string parts_at_least(std::size_t n) {
  return R"(set -- "$OUT.parts"/p*.h5; [ -e "$1" ] && [ $# -ge )" + std::to_string(n) + " ]";
}

/// Inode and modification time of each part file in OUT.parts/, by name: a part run again
/// would be a new file.
inline std::map<std::string, std::pair<std::uint64_t, std::int64_t>> part_identities(
    const std::string& out) {
  std::map<std::string, std::pair<std::uint64_t, std::int64_t>> ids;
  for (const std::string& path : files_in(out + ".parts", "p", ".h5")) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) throw std::runtime_error(path + ": cannot stat");
    ids[std::filesystem::path(path).filename().string()] = {
        st.st_ino, st.st_mtim.tv_sec * 1'000'000'000LL + st.st_mtim.tv_nsec};
  }
  return ids;
}

}  // namespace e2e
