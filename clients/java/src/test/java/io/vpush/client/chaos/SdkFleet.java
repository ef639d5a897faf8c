package io.vpush.client.chaos;

import java.util.List;

/** The app side of the chaos test: one SDK client per user, each handler call reported to the audit. */
interface SdkFleet extends AutoCloseable {

  /** Connects one client per user (client id {@code <user>-device}) to {@code urls}; returns once all registered. */
  void connect(List<String> urls, List<String> users, SeqAudit audit) throws Exception;

  /** Records every client's state where a failure's post-mortem finds it; nothing by default. */
  default void dumpState() throws Exception {}

  /** How the fleet's clients fared (reconnects, errors), for the test's printout. */
  String summary();
}
