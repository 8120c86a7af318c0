#include "plugin/PluginLibrary.hpp"

#include <cstring>
#include <stdexcept>

#include "plugin/HostApi.hpp"

namespace aicore::host {

std::shared_ptr<PluginLibrary> PluginLibrary::load(const std::string& file) {
  auto p = std::shared_ptr<PluginLibrary>(new PluginLibrary());
  p->file_ = file;
  boost::dll::fs::error_code ec;
  // rtld_local keeps each plugin's symbols to itself (two plugins may embed different SDK versions).
  p->lib_.load(file, boost::dll::load_mode::rtld_lazy | boost::dll::load_mode::rtld_local, ec);
  if (ec) throw std::runtime_error("cannot load: " + ec.message());
  if (!p->lib_.has(ACP_PLUGIN_ENTRY_SYMBOL))
    throw std::runtime_error(std::string("no entry point '") + ACP_PLUGIN_ENTRY_SYMBOL +
                             "': not an aicore-proxy plugin");
  auto entry = p->lib_.get<const acp_plugin_descriptor*(const acp_host_api*)>(ACP_PLUGIN_ENTRY_SYMBOL);
  const acp_plugin_descriptor* d = entry(host_api());
  if (!d) throw std::runtime_error("entry point refused the host (see the plugin's log line above)");
  if (d->struct_size < offsetof(acp_plugin_descriptor, interfaces) + sizeof(void*))
    throw std::runtime_error("descriptor too small (" + std::to_string(d->struct_size) + " bytes)");
  const std::string plugin_name = d->name ? d->name : "?";
  // A newer minor version may call host functions this host lacks (the SDK's entry point refuses
  // such a host itself; this covers plugins written against abi.h alone).
  if (d->abi_major != ACP_ABI_VERSION_MAJOR || d->abi_minor > ACP_ABI_VERSION_MINOR)
    throw std::runtime_error("plugin " + plugin_name + " built for ABI " + std::to_string(d->abi_major) + "." +
                             std::to_string(d->abi_minor) + ", host speaks " + std::to_string(ACP_ABI_VERSION_MAJOR) +
                             "." + std::to_string(ACP_ABI_VERSION_MINOR) + ": not loaded");
  if (!d->name || !*d->name) throw std::runtime_error("descriptor has no name");
  if (d->interface_count > 0 && !d->interfaces) throw std::runtime_error("descriptor lists interfaces but gives none");
  p->desc_ = d;
  p->name_ = d->name;
  p->version_ = d->version ? d->version : "";
  p->description_ = d->description ? d->description : "";
  return p;
}

std::string PluginLibrary::abi_version() const {
  return std::to_string(desc_->abi_major) + "." + std::to_string(desc_->abi_minor);
}

std::vector<std::string> PluginLibrary::interface_names() const {
  std::vector<std::string> out;
  for (size_t i = 0; i < desc_->interface_count; ++i)
    if (desc_->interfaces[i].name) out.emplace_back(desc_->interfaces[i].name);
  return out;
}

const void* PluginLibrary::find_interface(const std::string& name) const {
  for (size_t i = 0; i < desc_->interface_count; ++i)
    if (desc_->interfaces[i].name && name == desc_->interfaces[i].name) return desc_->interfaces[i].table;
  return nullptr;
}

}  // namespace aicore::host
