// One loaded plugin library: Boost.DLL keeps the .so mapped for as long as any object made from it
// (adapters, stream converters) holds a shared_ptr to this.
#pragma once

#include <aicore/abi.h>

#include <boost/dll/shared_library.hpp>

#include <memory>
#include <string>
#include <vector>

namespace aicore::host {

class PluginLibrary {
 public:
  // Loads `file`, calls its entry point and validates the descriptor. Throws std::runtime_error
  // with a specific reason ("plugin X built for ABI 2.0, host speaks 1.0: not loaded").
  static std::shared_ptr<PluginLibrary> load(const std::string& file);

  const std::string& file() const { return file_; }
  const std::string& name() const { return name_; }
  const std::string& version() const { return version_; }
  const std::string& description() const { return description_; }
  std::string abi_version() const;
  uint32_t abi_minor() const { return desc_->abi_minor; }
  std::vector<std::string> interface_names() const;

  // The table of a named interface, or nullptr.
  const void* find_interface(const std::string& name) const;

 private:
  boost::dll::shared_library lib_;
  const acp_plugin_descriptor* desc_ = nullptr;
  std::string file_, name_, version_, description_;
};

// Copies an append-only table: fields the plugin's (older) table lacks stay zero.
template <class T>
T read_table(const void* table) {
  T out{};
  if (!table) return out;
  uint32_t size = *static_cast<const uint32_t*>(table);
  std::memcpy(&out, table, size < sizeof(T) ? size : sizeof(T));
  return out;
}

}  // namespace aicore::host
