// `messageu ping`: is a MessageU server answering at the profile's address, in which dialect,
// with which protocol version, does it offer WAIT, and how long does a round trip take. Made
// for cron health checks and for a user wondering why nothing works (CLI.md §3).
//
// What can be learnt depends on the profile. A registered profile confirms (or finds) the
// dialect with a list carrying its own id, then asks for an authenticated session (§10) and,
// on it, a WAIT of 1 ms (§11). An unregistered profile has no side-effect-free request that
// every server answers: it sends a list with the zero id in each dialect; a server that
// answers one with a user list names its dialect, while one that refuses them all (as
// messageu-server does) shows only that something speaking MessageU frames answers 9000,
// and dialect, protocol and WAIT are reported as unknown ("-", null in JSON).
#include "commands.hpp"

#include <messageu/client/authentication.hpp>

#include <chrono>
#include <cstdio>

namespace messageu::cli {
namespace {

using Clock = std::chrono::steady_clock;

struct PingReport {
  std::string server;
  std::optional<std::string> dialect;
  std::optional<int> protocol;
  std::optional<bool> wait;
  double rtt_ms = 0;
};

// Throws away what a WAIT returns: it is unacknowledged, so the server keeps it.
class DiscardingHandler : public client::PullHandler {
public:
  Status on_message(const protocol::PulledMessageHeader &) override { return {}; }
  Status on_content(ByteView) override { return {}; }
  Status on_message_end() override { return {}; }
};

// A server that closes without answering, or answers with something else than a MessageU
// response, is reachable but not a MessageU server: a protocol error (exit 76).
Error not_messageu(const Error &error) {
  if (error.code == Errc::connection_closed)
    return make_error(Errc::unexpected_code, error.message);
  return error;
}

Status without_payload(Result<Bytes> result) {
  if (!result)
    return std::move(result).error();
  return {};
}

// The dialect: confirmed by a list (found first with --dialect auto and nothing remembered).
// Every dialect refused → nullopt: the server answers, but cannot tell its dialect to us.
Result<std::optional<std::string>> probe_dialect(client::ServerLink &link, PingReport &report) {
  auto requests_before = link.requests_sent();
  auto start = Clock::now();
  Status probed = link.settings().dialect_mode == client::DialectMode::search
                      ? link.settle_dialect()
                      : without_payload(link.exchange(protocol::Operation::list_users, {}, true));
  auto requests = std::max<std::uint64_t>(1, link.requests_sent() - requests_before);
  report.rtt_ms =
      std::chrono::duration<double, std::milli>(Clock::now() - start).count() / requests;
  if (probed)
    return std::optional<std::string>(protocol::dialect_name(link.settings().dialect));
  // Refused in every dialect (config) or, with a dialect named, in that one (server_error).
  if (probed.error().code != Errc::server_error && probed.error().code != Errc::config)
    return not_messageu(probed.error());
  return std::optional<std::string>{};
}

// The protocol version and WAIT, which need an authenticated session.
Status probe_extensions(Context &context, PingReport &report) {
  if (context.options().protocol == 2 || !context.profile().is_registered())
    return {};
  auto *link = MESSAGEU_TRY(context.user_link());
  if (!link->authenticated()) {
    report.protocol = 2;
    return {};
  }
  report.protocol = 3;
  DiscardingHandler discard;
  auto waited = link->exchange_wait(1, discard);
  if (!waited && waited.error().code != Errc::server_error)
    return not_messageu(waited.error());
  report.wait = static_cast<bool>(waited);
  return {};
}

std::string rtt_text(double milliseconds) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2f", milliseconds);
  return text;
}

Status print_report(Context &context, const PingReport &report) {
  auto text = report.server + "\t" + report.dialect.value_or("-") + "\t" +
              (report.protocol ? std::to_string(*report.protocol) : "-") + "\t" +
              (report.wait ? (*report.wait ? "yes" : "no") : "-") + "\t" + rtt_text(report.rtt_ms) +
              "\n";
  JsonObject record;
  record.string("server", report.server);
  if (report.dialect)
    record.string("dialect", *report.dialect);
  else
    record.null("dialect");
  if (report.protocol)
    record.number("protocol", static_cast<std::uint64_t>(*report.protocol));
  else
    record.null("protocol");
  if (report.wait)
    record.boolean("wait", *report.wait);
  else
    record.null("wait");
  // JSON numbers here are integers: the round trip in whole microseconds.
  record.number("rtt_us", static_cast<std::uint64_t>(report.rtt_ms * 1000.0 + 0.5));
  return context.output().result(text, record);
}

Status run_ping(Context &context) {
  PingReport report;
  report.server = to_string(MESSAGEU_TRY(context.endpoint()));
  auto *link = MESSAGEU_TRY(context.link());
  // One connection for every probe, so that the round trip is not a connect's.
  MESSAGEU_TRY(link->keep_connection_open());
  report.dialect = MESSAGEU_TRY(probe_dialect(*link, report));
  if (report.dialect)
    MESSAGEU_TRY(probe_extensions(context, report));
  else
    context.output().warning(
        context.profile().is_registered()
            ? "the server refused a list in every dialect: it does not know this profile"
            : "the server refused a list in every dialect (as it should for an unregistered "
              "profile): its dialect, protocol and WAIT are unknown until you register");
  return print_report(context, report);
}

} // namespace

Command add_ping_command(CLI::App &parent) {
  auto *app =
      add_subcommand(parent, "ping", "Check the server: SERVER, DIALECT, PROTOCOL, WAIT, RTT_MS",
                     "messageu ping || echo 'the server is down'");
  return {app, [](Context &context) { return run_ping(context); }};
}

} // namespace messageu::cli
