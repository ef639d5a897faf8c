package io.vpush;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The launcher's arguments: a command ({@code run}, {@code gentoken}, {@code help}; {@code bench} only to say where
 * the load generator is),
 * {@code -conf FILE}, {@code -cluster}, setting flags {@code --key=value}, and the command's own options.
 */
record CommandLine(String command, Path confFile, boolean cluster, Map<String, String> settings, Map<String, String> options,
                   List<String> rest) {

  /** Options of gentoken that are not settings. */
  private static final List<String> GENTOKEN_OPTIONS = List.of("user", "ttl", "topics", "devices", "kid");

  static CommandLine parse(String[] args) {
    String command = "run";
    int i = 0;
    if (args.length > 0 && !args[0].startsWith("-")) {
      command = args[0];
      i = 1;
    }
    // Whatever follows `bench` is the load generator's options, not ours: answer with where it is, not a parse error.
    if (command.equals("bench")) return new CommandLine(command, null, false, Map.of(), Map.of(), List.of(args).subList(1, args.length));
    Path conf = null;
    boolean cluster = false;
    Map<String, String> settings = new LinkedHashMap<>();
    Map<String, String> options = new LinkedHashMap<>();
    List<String> rest = new ArrayList<>();
    for (; i < args.length; i++) {
      String a = args[i];
      if (a.equals("-h") || a.equals("--help") || a.equals("-help")) {
        command = "help";
      } else if (a.equals("-conf") || a.equals("--conf")) {
        if (i + 1 >= args.length) throw new IllegalArgumentException("-conf needs a file");
        conf = Path.of(args[++i]);
      } else if (a.equals("-cluster") || a.equals("--cluster")) {
        cluster = true;
      } else if (a.startsWith("--")) {
        String kv = a.substring(2);
        int eq = kv.indexOf('=');
        String key = eq < 0 ? kv : kv.substring(0, eq);
        String value;
        if (eq >= 0) value = kv.substring(eq + 1);
        else if (i + 1 < args.length && !args[i + 1].startsWith("-")) value = args[++i];
        else throw new IllegalArgumentException("--" + key + " needs a value");
        if (command.equals("gentoken") && GENTOKEN_OPTIONS.contains(key)) options.put(key, value);
        else settings.put(key, value);
      } else {
        rest.add(a);
      }
    }
    return new CommandLine(command, conf, cluster, settings, options, rest);
  }
}
