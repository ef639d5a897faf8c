package io.vpush.ops;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.VMOption;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Makes the JVM give freed heap back to the operating system: a push node's heap swings with connection churn and
 * reconnect storms, and what sizes a fleet is the memory a node keeps while its connections sit idle. With the JVM's
 * defaults (up to 70% of the committed heap kept free after a collection, no periodic collection) a node that held
 * 10,000 idle connections kept 16 KB of RSS per connection; with these, 6.6 KB (docs/benchmarks.md, idle scenario).
 *
 * <p>Every option here is "manageable" (settable at run time), so {@code java -jar vpush.jar} gets them without
 * launcher flags; an option the operator set on the command line is left as it is.
 */
public final class HeapReturn {

  /** The options and values applied: free-heap bounds after a collection, and G1's idle collection period. */
  static final Map<String, String> OPTIONS = Map.of(
      "MinHeapFreeRatio", "10",
      "MaxHeapFreeRatio", "20",
      "G1PeriodicGCInterval", "60000");

  private HeapReturn() {
  }

  /** Applies {@link #OPTIONS} that the command line did not set; returns the ones applied, for the start log. */
  public static List<String> apply() {
    HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
    List<String> applied = new ArrayList<>();
    // Min before max: the JVM refuses a max below the current min and a min above the current max.
    for (String name : List.of("MinHeapFreeRatio", "MaxHeapFreeRatio", "G1PeriodicGCInterval")) {
      VMOption current;
      try {
        current = vm.getVMOption(name);
      } catch (IllegalArgumentException e) {
        continue; // not this JVM's option (another collector or vendor)
      }
      if (current.getOrigin() != VMOption.Origin.DEFAULT || !current.isWriteable()) continue;
      try {
        vm.setVMOption(name, OPTIONS.get(name));
        applied.add(name + "=" + OPTIONS.get(name));
      } catch (IllegalArgumentException e) {
        // e.g. a min that the operator's max forbids: their flags win
      }
    }
    return applied;
  }
}
