import Foundation

// Plots as SVG text, no dependencies: axes with ticks and labels, a title, a legend below the
// plot, and per series a colour of the Okabe–Ito palette (safe for colour-blind readers) together
// with a dash pattern, so series stay distinct in grey-scale print as well.

/// Series styles: Okabe–Ito colours, each paired with its own dash pattern.
enum PlotStyle {
    static let colors = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#999933"]
    static let dashes = ["", "9 4", "2.5 3", "12 3 3 3", "5 5", "14 4 2 4 2 4", "1.5 5", "20 5"]
    static let fontFamily = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', 'DejaVu Sans', Arial, sans-serif"

    static func color(_ index: Int) -> String { colors[index % colors.count] }
    static func dash(_ index: Int) -> String { dashes[index % dashes.count] }
    /// The first series is drawn widest and underneath, so an identical dashed series on top of it
    /// leaves both visible.
    static func width(_ index: Int) -> Double { index == 0 ? 3.5 : 2.25 }

    /// Approximate width of `text` at `size` px in a sans-serif font.
    static func textWidth(_ text: String, size: Double) -> Double { Double(text.count) * size * 0.56 }
}

/// Escapes text for XML content and attribute values.
func xmlEscape(_ text: String) -> String {
    var out = ""
    for c in text {
        switch c {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&#39;"
        default: out.append(c)
        }
    }
    return out
}

/// A number for SVG coordinates: two decimals, no trailing zeros.
private func px(_ x: Double) -> String {
    var s = String(format: "%.2f", x)
    while s.hasSuffix("0") { s.removeLast() }
    if s.hasSuffix(".") { s.removeLast() }
    return s == "-0" ? "0" : s
}

/// A line plot (plain or step lines) with a linear or log₂ x axis.
struct SVGLinePlot {
    enum Scale { case linear, log2, log10 }

    struct Series {
        var name: String
        var points: [(x: Double, y: Double)]
        /// Step function: each point's y holds until the next point's x.
        var step: Bool
        /// Tooltip text.
        var tooltip: String?
    }

    var title: String
    var subtitle: String?
    var xLabel: String
    var yLabel: String
    var xScale: Scale = .linear
    var xRange: ClosedRange<Double>
    var yRange: ClosedRange<Double>
    /// Explicit ticks; nice ticks when nil.
    var xTicks: [Double]?
    var yTicks: [Double]?
    var series: [Series]
    var width: Double = 660
    var plotHeight: Double = 320
    /// Shown in the middle of an empty plot.
    var emptyNote = "no data"

    func render() -> String {
        let left = 72.0, right = 26.0
        let top = subtitle == nil ? 46.0 : 64.0
        let plotWidth = width - left - right
        let bottom = top + plotHeight

        // Legend layout: rows of items below the x-axis label.
        var legendItems: [(x: Double, row: Int, index: Int)] = []
        var cursor = left, row = 0
        for (index, s) in series.enumerated() {
            let itemWidth = 34 + PlotStyle.textWidth(s.name, size: 13) + 26
            if cursor + itemWidth > width - right && cursor > left { cursor = left; row += 1 }
            legendItems.append((cursor, row, index))
            cursor += itemWidth
        }
        let legendTop = bottom + 62
        let height = series.isEmpty ? bottom + 56 : legendTop + Double(row + 1) * 22 + 8

        func sx(_ x: Double) -> Double {
            switch xScale {
            case .linear:
                let span = xRange.upperBound - xRange.lowerBound
                return left + (span > 0 ? (x - xRange.lowerBound) / span : 0) * plotWidth
            case .log2, .log10:
                let lo = Foundation.log2(xRange.lowerBound), hi = Foundation.log2(xRange.upperBound)
                return left + (hi > lo ? (Foundation.log2(max(x, xRange.lowerBound)) - lo) / (hi - lo) : 0) * plotWidth
            }
        }
        func sy(_ y: Double) -> Double {
            let span = yRange.upperBound - yRange.lowerBound
            return bottom - (span > 0 ? (y - yRange.lowerBound) / span : 0) * plotHeight
        }

        var svg = """
        <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(px(width)) \(px(height))" width="\(px(width))" height="\(px(height))" role="img" aria-label="\(xmlEscape(title))" font-family="\(PlotStyle.fontFamily)">
        <rect x="0" y="0" width="\(px(width))" height="\(px(height))" fill="#ffffff"/>
        <text x="\(px(left))" y="26" font-size="17" font-weight="600" fill="#1a1a1a">\(xmlEscape(title))</text>\n
        """
        if let subtitle {
            svg += "<text x=\"\(px(left))\" y=\"46\" font-size=\"12.5\" fill=\"#555\">\(xmlEscape(subtitle))</text>\n"
        }

        // Grid and ticks.
        let xs: [Double]
        switch xScale {
        case .linear: xs = (xTicks ?? niceTicks(xRange)).filter { xRange.contains($0) }
        case .log2: xs = (xTicks ?? log2Ticks(xRange)).filter { xRange.contains($0) }
        case .log10: xs = (xTicks ?? log10Ticks(xRange)).filter { xRange.contains($0) }
        }
        let ys = (yTicks ?? niceTicks(yRange)).filter { yRange.contains($0) }
        svg += "<g stroke=\"#e3e3e3\" stroke-width=\"1\">\n"
        for x in xs { svg += "<line x1=\"\(px(sx(x)))\" y1=\"\(px(top))\" x2=\"\(px(sx(x)))\" y2=\"\(px(bottom))\"/>\n" }
        for y in ys { svg += "<line x1=\"\(px(left))\" y1=\"\(px(sy(y)))\" x2=\"\(px(left + plotWidth))\" y2=\"\(px(sy(y)))\"/>\n" }
        svg += "</g>\n"
        svg += "<rect x=\"\(px(left))\" y=\"\(px(top))\" width=\"\(px(plotWidth))\" height=\"\(px(plotHeight))\" fill=\"none\" stroke=\"#444\" stroke-width=\"1\"/>\n"
        svg += "<g font-size=\"13\" fill=\"#333\">\n"
        let xStep = xs.count > 1 ? xs[1] - xs[0] : 1
        for x in xs {
            svg += "<line x1=\"\(px(sx(x)))\" y1=\"\(px(bottom))\" x2=\"\(px(sx(x)))\" y2=\"\(px(bottom + 5))\" stroke=\"#444\"/>\n"
            let label = switch xScale {
            case .linear: tickLabel(x, step: xStep)
            case .log2: log2Label(x)
            case .log10: String(format: "%g", x)
            }
            svg += "<text x=\"\(px(sx(x)))\" y=\"\(px(bottom + 20))\" text-anchor=\"middle\">\(label)</text>\n"
        }
        let yStep = ys.count > 1 ? ys[1] - ys[0] : 1
        for y in ys {
            svg += "<line x1=\"\(px(left - 5))\" y1=\"\(px(sy(y)))\" x2=\"\(px(left))\" y2=\"\(px(sy(y)))\" stroke=\"#444\"/>\n"
            svg += "<text x=\"\(px(left - 9))\" y=\"\(px(sy(y) + 4.5))\" text-anchor=\"end\">\(tickLabel(y, step: yStep))</text>\n"
        }
        svg += "</g>\n"
        svg += "<text x=\"\(px(left + plotWidth / 2))\" y=\"\(px(bottom + 44))\" text-anchor=\"middle\" font-size=\"14\" fill=\"#1a1a1a\">\(xmlEscape(xLabel))</text>\n"
        svg += "<text transform=\"translate(20 \(px(top + plotHeight / 2))) rotate(-90)\" text-anchor=\"middle\" font-size=\"14\" fill=\"#1a1a1a\">\(xmlEscape(yLabel))</text>\n"

        // Series: the first underneath, widest.
        if series.allSatisfy({ $0.points.isEmpty }) {
            svg += "<text x=\"\(px(left + plotWidth / 2))\" y=\"\(px(top + plotHeight / 2))\" text-anchor=\"middle\" font-size=\"14\" fill=\"#777\">\(xmlEscape(emptyNote))</text>\n"
        }
        svg += "<g fill=\"none\" stroke-linejoin=\"round\" stroke-linecap=\"butt\">\n"
        for (index, s) in series.enumerated() where !s.points.isEmpty {
            var d = "M\(px(sx(s.points[0].x))) \(px(sy(s.points[0].y)))"
            for p in s.points.dropFirst() {
                d += s.step ? " H\(px(sx(p.x))) V\(px(sy(p.y)))" : " L\(px(sx(p.x))) \(px(sy(p.y)))"
            }
            let dash = PlotStyle.dash(index)
            svg += "<path d=\"\(d)\" stroke=\"\(PlotStyle.color(index))\" stroke-width=\"\(px(PlotStyle.width(index)))\"\(dash.isEmpty ? "" : " stroke-dasharray=\"\(dash)\"")><title>\(xmlEscape(s.tooltip ?? s.name))</title></path>\n"
        }
        svg += "</g>\n"

        // Legend.
        if !series.isEmpty {
            svg += "<g font-size=\"13\" fill=\"#1a1a1a\">\n"
            for item in legendItems {
                let y = legendTop + Double(item.row) * 22
                let dash = PlotStyle.dash(item.index)
                svg += "<line x1=\"\(px(item.x))\" y1=\"\(px(y))\" x2=\"\(px(item.x + 28))\" y2=\"\(px(y))\" stroke=\"\(PlotStyle.color(item.index))\" stroke-width=\"\(px(max(PlotStyle.width(item.index), 2.5)))\"\(dash.isEmpty ? "" : " stroke-dasharray=\"\(dash)\"")/>\n"
                svg += "<text x=\"\(px(item.x + 34))\" y=\"\(px(y + 4.5))\">\(xmlEscape(series[item.index].name))</text>\n"
            }
            svg += "</g>\n"
        }
        return svg + "</svg>"
    }
}

/// Horizontal stacked bars: one bar per row, one colour per category, counts written inside.
struct SVGStackedBars {
    struct Category {
        var name: String
        var color: String
        /// Text colour on this fill.
        var ink: String
    }

    var title: String
    var subtitle: String?
    var categories: [Category]
    /// Row label and one count per category.
    var rows: [(label: String, counts: [Int])]
    var width: Double = 660

    func render() -> String {
        let labelWidth = min(max(rows.map { PlotStyle.textWidth($0.label, size: 13) }.max() ?? 40, 40), 220) + 16
        let left = 20 + labelWidth, right = 26.0
        let top = subtitle == nil ? 46.0 : 64.0
        let barHeight = 26.0, gap = 12.0
        let plotWidth = width - left - right
        let bottom = top + Double(rows.count) * (barHeight + gap)
        // Legend: one row of swatches, wrapped.
        var items: [(x: Double, row: Int, index: Int)] = []
        var cursor = 20.0, row = 0
        for (index, c) in categories.enumerated() {
            let w = 20 + PlotStyle.textWidth(c.name, size: 13) + 18
            if cursor + w > width - right && cursor > 20 { cursor = 20; row += 1 }
            items.append((cursor, row, index))
            cursor += w
        }
        let legendTop = bottom + 14
        let height = legendTop + Double(row + 1) * 22 + 8
        let total = max(rows.map { $0.counts.reduce(0, +) }.max() ?? 1, 1)

        var svg = """
        <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(px(width)) \(px(height))" width="\(px(width))" height="\(px(height))" role="img" aria-label="\(xmlEscape(title))" font-family="\(PlotStyle.fontFamily)">
        <rect x="0" y="0" width="\(px(width))" height="\(px(height))" fill="#ffffff"/>
        <text x="20" y="26" font-size="17" font-weight="600" fill="#1a1a1a">\(xmlEscape(title))</text>\n
        """
        if let subtitle { svg += "<text x=\"20\" y=\"46\" font-size=\"12.5\" fill=\"#555\">\(xmlEscape(subtitle))</text>\n" }
        for (r, entry) in rows.enumerated() {
            let y = top + Double(r) * (barHeight + gap)
            svg += "<text x=\"\(px(left - 10))\" y=\"\(px(y + barHeight / 2 + 4.5))\" text-anchor=\"end\" font-size=\"13\" fill=\"#1a1a1a\">\(xmlEscape(entry.label))</text>\n"
            svg += "<rect x=\"\(px(left))\" y=\"\(px(y))\" width=\"\(px(plotWidth))\" height=\"\(px(barHeight))\" fill=\"#f3f3f3\"/>\n"
            var x = left
            for (c, count) in entry.counts.enumerated() where count > 0 {
                let w = Double(count) / Double(total) * plotWidth
                let category = categories[c]
                svg += "<rect x=\"\(px(x))\" y=\"\(px(y))\" width=\"\(px(w))\" height=\"\(px(barHeight))\" fill=\"\(category.color)\" stroke=\"#ffffff\" stroke-width=\"1\"><title>\(xmlEscape("\(entry.label): \(count) \(category.name)"))</title></rect>\n"
                if w >= PlotStyle.textWidth("\(count)", size: 13) + 8 {
                    svg += "<text x=\"\(px(x + w / 2))\" y=\"\(px(y + barHeight / 2 + 4.5))\" text-anchor=\"middle\" font-size=\"13\" font-weight=\"600\" fill=\"\(category.ink)\">\(count)</text>\n"
                }
                x += w
            }
        }
        svg += "<g font-size=\"13\" fill=\"#1a1a1a\">\n"
        for item in items {
            let y = legendTop + Double(item.row) * 22
            svg += "<rect x=\"\(px(item.x))\" y=\"\(px(y - 7))\" width=\"14\" height=\"14\" fill=\"\(categories[item.index].color)\"/>\n"
            svg += "<text x=\"\(px(item.x + 20))\" y=\"\(px(y + 4.5))\">\(xmlEscape(categories[item.index].name))</text>\n"
        }
        return svg + "</g>\n</svg>"
    }
}

// MARK: Ticks

/// About five round ticks (1, 2 or 5 × 10^k apart) inside `range`.
func niceTicks(_ range: ClosedRange<Double>, target: Int = 5) -> [Double] {
    let span = range.upperBound - range.lowerBound
    guard span > 0, span.isFinite else { return [range.lowerBound] }
    let raw = span / Double(target)
    let magnitude = pow(10, floor(log10(raw)))
    let step = [1.0, 2, 2.5, 5, 10].map { $0 * magnitude }.first { $0 >= raw * 0.999 } ?? 10 * magnitude
    var ticks: [Double] = []
    var k = ceil(range.lowerBound / step - 1e-9)
    while k * step <= range.upperBound + step * 1e-9 {
        ticks.append(Double(String(format: "%.12g", k * step))! + 0)  // 0.6, not 0.6000000000000001
        k += 1
    }
    return ticks
}

/// Powers of two inside `range`, thinned to at most nine.
func log2Ticks(_ range: ClosedRange<Double>) -> [Double] {
    let lo = Int(ceil(log2(range.lowerBound) - 1e-9)), hi = Int(floor(log2(range.upperBound) + 1e-9))
    guard hi >= lo else { return [range.lowerBound] }
    let stride = max(1, Int(ceil(Double(hi - lo + 1) / 9)))
    return Swift.stride(from: lo, through: hi, by: stride).map { pow(2, Double($0)) }
}

/// 1, 2, 5 × powers of ten inside `range` when it spans at most three decades, else powers of ten
/// (thinned to at most nine).
func log10Ticks(_ range: ClosedRange<Double>) -> [Double] {
    let lo = Int(floor(log10(range.lowerBound) + 1e-9)), hi = Int(ceil(log10(range.upperBound) - 1e-9))
    guard hi >= lo else { return [range.lowerBound] }
    let multiples: [Double] = hi - lo <= 3 ? [1, 2, 5] : [1]
    var ticks: [Double] = []
    for k in lo...hi { for m in multiples { ticks.append((m * pow(10, Double(k)) * 1e9).rounded() / 1e9) } }
    ticks = ticks.filter { range.lowerBound * (1 - 1e-9) <= $0 && $0 <= range.upperBound * (1 + 1e-9) }
    let stride = max(1, Int(ceil(Double(ticks.count) / 9)))
    return Swift.stride(from: 0, to: ticks.count, by: stride).map { ticks[$0] }
}

/// A tick label with as many decimals as the tick step needs.
func tickLabel(_ x: Double, step: Double) -> String {
    if abs(x) >= 1e6 { return String(format: "%.3g", x) }
    var decimals = 0
    while decimals < 6, abs(step * pow(10, Double(decimals)) - (step * pow(10, Double(decimals))).rounded()) > 1e-6 { decimals += 1 }
    return String(format: "%.\(decimals)f", x)
}

/// A power of two as a label: plain up to 4096, else 2 with a raised exponent.
func log2Label(_ x: Double) -> String {
    if x <= 4096 { return String(format: "%g", x) }
    return "2<tspan dy=\"-6\" font-size=\"10\">\(Int(log2(x).rounded()))</tspan>"
}
