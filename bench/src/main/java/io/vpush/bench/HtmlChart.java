package io.vpush.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** A self-contained HTML page (inline SVG, no scripts from elsewhere): latency p50/p99/max and messages per second. */
final class HtmlChart {
  private HtmlChart() {}

  private static final int W = 900;
  private static final int H = 260;
  private static final int PAD = 50;

  static String render(JsonObject report) {
    JsonArray rows = report.getJsonArray("timeline");
    StringBuilder b = new StringBuilder("<!doctype html><html><head><meta charset=\"utf-8\"><title>vpush bench ")
        .append(esc(report.getString("scenario"))).append(" / ").append(esc(report.getString("target")))
        .append("</title><style>body{font:14px sans-serif;margin:20px}pre{background:#f4f4f4;padding:8px}</style>")
        .append("</head><body><h2>vpush bench: ").append(esc(report.getString("scenario"))).append(" against ")
        .append(esc(report.getString("target"))).append("</h2><pre>").append(esc(Report.summary(report)))
        .append("</pre>");
    if (rows.isEmpty()) {
      b.append("<p>No messages were delivered, so there is no latency over time.</p>");
    } else {
      b.append("<h3>Latency over time (ms, per second)</h3>").append(chart(rows, new String[] {"p50Ms", "p99Ms", "maxMs"},
          new String[] {"#2a7", "#e80", "#c22"}));
      b.append("<h3>Messages received per second</h3>").append(chart(rows, new String[] {"count"}, new String[] {"#36c"}));
    }
    return b.append("</body></html>\n").toString();
  }

  private static String chart(JsonArray rows, String[] keys, String[] colors) {
    long t0 = rows.getJsonObject(0).getLong("t");
    long t1 = Math.max(t0 + 1, rows.getJsonObject(rows.size() - 1).getLong("t"));
    double max = 0;
    for (int i = 0; i < rows.size(); i++) {
      for (String k : keys) max = Math.max(max, rows.getJsonObject(i).getDouble(k));
    }
    max = max <= 0 ? 1 : max * 1.1;
    StringBuilder s = new StringBuilder().append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(W)
        .append("\" height=\"").append(H + 40).append("\">")
        .append(line(PAD, H, W - 10, H, "#888")).append(line(PAD, 10, PAD, H, "#888"))
        .append(text(5, 15, fmt(max))).append(text(5, H, "0"))
        .append(text(PAD, H + 15, "0 s")).append(text(W - 60, H + 15, (t1 - t0) + " s"));
    for (int k = 0; k < keys.length; k++) {
      s.append("<polyline fill=\"none\" stroke-width=\"1.5\" stroke=\"").append(colors[k]).append("\" points=\"");
      for (int i = 0; i < rows.size(); i++) {
        JsonObject r = rows.getJsonObject(i);
        double x = PAD + (W - 10 - PAD) * (r.getLong("t") - t0) / (double) (t1 - t0);
        double y = H - (H - 10) * r.getDouble(keys[k]) / max;
        s.append(String.format("%.1f,%.1f ", x, y));
      }
      s.append("\"/>").append(text(PAD + 10 + k * 90, H + 32, keys[k]).replace("<text", "<text fill=\"" + colors[k] + "\""));
    }
    return s.append("</svg>").toString();
  }

  private static String line(int x1, int y1, int x2, int y2, String color) {
    return "<line x1=\"" + x1 + "\" y1=\"" + y1 + "\" x2=\"" + x2 + "\" y2=\"" + y2 + "\" stroke=\"" + color + "\"/>";
  }

  private static String text(int x, int y, String t) {
    return "<text x=\"" + x + "\" y=\"" + y + "\" font-size=\"11\">" + esc(t) + "</text>";
  }

  private static String fmt(double d) { return d >= 100 ? String.format("%.0f", d) : String.format("%.2f", d); }

  private static String esc(String s) {
    return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
