#include "interfaces/messages.hpp"

#include "interfaces/errors.hpp"

namespace sockd {

void register_message_types(caf::actor_system_config& cfg) {
  cfg.add_message_type<publication>("sockd.publication");
  cfg.add_message_type<stored_message>("sockd.stored_message");
  cfg.add_message_type<writer>("sockd.writer");
  cfg.add_message_type<writer_list>("sockd.writer_list");
  // Cross nodes between a topic's owner and its relays.
  cfg.add_message_type<positioned_row>("sockd.positioned_row");
  cfg.add_message_type<positioned_rows>("sockd.positioned_rows");
  cfg.add_message_type<remote_member>("sockd.remote_member");
  cfg.add_message_type<remote_member_list>("sockd.remote_member_list");
  // Backend API answers, from every node.
  cfg.add_message_type<node_census>("sockd.node_census");
  cfg.add_message_type<node_census_list>("sockd.node_census_list");
  cfg.add_error_category(errc_category, [](uint8_t code, caf::atom_value,
                                           const caf::message& context) {
    auto result = std::string{"sockd."} + to_string(static_cast<errc>(code));
    if (context.match_elements<std::string>())
      result += ": " + context.get_as<std::string>(0);
    return result;
  });
}

} // namespace sockd
