using System.Globalization;
using System.Text;

namespace Recovery.Client.Burst;

/// <summary>
/// The burst over time as a self-contained SVG: completed flows per second as bars (left axis), the p99 of admitted
/// hashing calls (ChangePassword, Login (new)) of each second as a red line (right axis, ms) and the p99 time to session
/// of the flows completed that second as a grey dashed line (scaled to its own maximum, printed in the legend). No
/// chart library: three series do not need one.
/// </summary>
internal static class BurstChart
{
    private const int Width = 800;
    private const int Height = 360;
    private const int Left = 60;
    private const int Right = 70;
    private const int Top = 40;
    private const int Bottom = 40;

    public static string Write(BurstReport report)
    {
        var points = report.Timeline;
        var seconds = Math.Max(1, points.Count == 0 ? 1 : points.Max(p => p.Second) + 1);
        var maxFlows = Math.Max(1, points.Count == 0 ? 1 : points.Max(p => p.FlowsCompleted));
        var maxMs = Math.Max(1, points.Count == 0 ? 1 : points.Max(p => p.AdmittedHashP99Ms));
        var maxFlowMs = Math.Max(1, points.Count == 0 ? 1 : points.Max(p => p.FlowP99Ms));
        const double plotWidth = Width - Left - Right;
        const double plotHeight = Height - Top - Bottom;
        var slot = plotWidth / seconds;

        var svg = new StringBuilder();
        Append(svg, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" font-family=\"sans-serif\" font-size=\"12\">");
        Append(svg, $"<rect width=\"{Width}\" height=\"{Height}\" fill=\"white\"/>");
        Append(svg, $"<text x=\"{Left}\" y=\"22\" font-size=\"14\">Unlock burst {report.RunId}: {report.FlowsCompleted} flows, concurrency {report.Concurrency}, {report.FlowsPerSecond:0.0} flows/s (capacity {report.CapacityFlowsPerSecond:0.0})</text>");
        Append(svg, $"<line x1=\"{Left}\" y1=\"{Top + plotHeight}\" x2=\"{Left + plotWidth}\" y2=\"{Top + plotHeight}\" stroke=\"black\"/>");
        Append(svg, $"<text x=\"{Left}\" y=\"{Height - 10}\">0 s</text><text x=\"{Left + plotWidth}\" y=\"{Height - 10}\" text-anchor=\"end\">{seconds} s</text>");
        Append(svg, $"<text x=\"{Left - 8}\" y=\"{Top + 4}\" text-anchor=\"end\" fill=\"#3465a4\">{maxFlows}</text><text x=\"{Left - 8}\" y=\"{Top + plotHeight}\" text-anchor=\"end\" fill=\"#3465a4\">0</text>");
        Append(svg, $"<text x=\"12\" y=\"{Top + (plotHeight / 2)}\" fill=\"#3465a4\" transform=\"rotate(-90 12 {Top + (plotHeight / 2)})\" text-anchor=\"middle\">flows completed per second</text>");
        Append(svg, $"<text x=\"{Left + plotWidth + 8}\" y=\"{Top + 4}\" fill=\"#cc0000\">{maxMs:0} ms</text><text x=\"{Left + plotWidth + 8}\" y=\"{Top + plotHeight}\" fill=\"#cc0000\">0 ms</text>");
        Append(svg, $"<text x=\"{Width - 12}\" y=\"{Top + (plotHeight / 2)}\" fill=\"#cc0000\" transform=\"rotate(90 {Width - 12} {Top + (plotHeight / 2)})\" text-anchor=\"middle\">p99 of admitted ChangePassword + Login (new)</text>");
        Append(svg, $"<text x=\"{Left + plotWidth}\" y=\"{Top - 6}\" text-anchor=\"end\" fill=\"#555555\">dashed: p99 time to session per second (max {maxFlowMs / 1000:0.0} s)</text>");

        foreach (var p in points)
        {
            var h = plotHeight * p.FlowsCompleted / maxFlows;
            Append(svg, $"<rect x=\"{Left + (p.Second * slot) + 1:0.##}\" y=\"{Top + plotHeight - h:0.##}\" width=\"{Math.Max(1, slot - 2):0.##}\" height=\"{h:0.##}\" fill=\"#729fcf\"/>");
        }

        // Seconds without a sample have no point: a line through zero would draw a latency nobody measured.
        var sessions = points.Where(p => p.FlowsCompleted > 0).ToList();
        if (sessions.Count > 0)
        {
            var line = string.Join(' ', sessions.Select(p => string.Create(CultureInfo.InvariantCulture,
                $"{Left + ((p.Second + 0.5) * slot):0.##},{Top + plotHeight - (plotHeight * p.FlowP99Ms / maxFlowMs):0.##}")));
            Append(svg, $"<polyline points=\"{line}\" fill=\"none\" stroke=\"#888888\" stroke-width=\"1.5\" stroke-dasharray=\"5,4\"/>");
        }

        var hashing = points.Where(p => p.AdmittedHashP99Ms > 0).ToList();
        if (hashing.Count > 0)
        {
            var line = string.Join(' ', hashing.Select(p => string.Create(CultureInfo.InvariantCulture,
                $"{Left + ((p.Second + 0.5) * slot):0.##},{Top + plotHeight - (plotHeight * p.AdmittedHashP99Ms / maxMs):0.##}")));
            Append(svg, $"<polyline points=\"{line}\" fill=\"none\" stroke=\"#cc0000\" stroke-width=\"2\"/>");
        }

        svg.Append("</svg>\n");
        return svg.ToString();
    }

    private static void Append(StringBuilder svg, FormattableString text) => svg.Append(text.ToString(CultureInfo.InvariantCulture)).Append('\n');
}
