//! The report's figures, per group, as SVG and PNG (`figuren/` in the output folder):
//! - `aandelen`: the shares of providers and of omzet with a result ≥ 0 as step curves over
//!   the percentage, with the criteria's lines and the RTP;
//! - `breakeven`: the distribution of break-even percentages, with the RTP;
//! - `marge`: each provider's result at the RTP as a share of its omzet, against its omzet.
//!
//! A provider's statement (`brieven`) draws the first two again with that provider marked:
//! its break-even as a purple line on the curves, and its bin of the distribution in purple.
//!
//! Each figure is drawn once, by a function generic over the plotters backend, into an SVG
//! string and an RGB buffer (encoded as PNG here, in memory). Text is rendered with the
//! embedded DejaVu Sans, so PNGs need no system fonts and are the same on every machine.
//! Floats are used for drawing only; they never flow back into a number of the run.

use std::sync::Once;

use anyhow::{anyhow, Result};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::FontStyle;
use rayon::prelude::*;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

use crate::model::BreakEven;
use crate::pipeline::{Group, Run};
use crate::solve::{curve, Curve};

const SIZE: (u32, u32) = (900, 540);
const FONT: &[u8] = include_bytes!("fonts/DejaVuSans.ttf");
const BLUE: RGBColor = RGBColor(31, 119, 180);
const ORANGE: RGBColor = RGBColor(230, 120, 20);
const GREEN: RGBColor = RGBColor(44, 160, 44);
const RED: RGBColor = RGBColor(200, 40, 40);
const GREY: RGBColor = RGBColor(120, 120, 120);
const PURPLE: RGBColor = RGBColor(128, 40, 160);

fn register_font() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        if plotters::style::register_font("sans-serif", FontStyle::Normal, FONT).is_err() {
            panic!("the embedded font is not a valid font");
        }
    });
}

fn pct(d: Decimal) -> f64 {
    (d * Decimal::ONE_HUNDRED).to_f64().unwrap_or(f64::NAN)
}

/// A number with a decimal comma, as Dutch readers write it.
fn nl(x: f64, dp: usize) -> String {
    format!("{x:.dp$}").replace('.', ",")
}

/// What the three figures of one group show.
struct Data {
    title: String,
    rtp: f64,
    range: (f64, f64),
    curve: Curve,
    break_evens: Vec<f64>,
    /// (omzet in € mln, result at the RTP as % of omzet, positive)
    margins: Vec<(f64, f64, bool)>,
    share_providers: f64,
    share_omzet: f64,
    sign: &'static str,
}

fn data(run: &Run, g: &Group) -> Data {
    let omzet: Vec<Decimal> = g
        .members
        .iter()
        .map(|&i| run.providers[i].position.omzet)
        .collect();
    let rtp = pct(g.result.rtp);
    let zero = run.config.criteria.nul_is_positief;
    let margins = g
        .members
        .iter()
        .map(|&i| {
            let p = &run.providers[i].position;
            let r = p.result_at(g.result.rtp);
            let margin = if p.omzet.is_zero() {
                0.0
            } else {
                pct(r / p.omzet)
            };
            (
                (p.omzet / Decimal::from(1_000_000)).to_f64().unwrap_or(0.0),
                margin,
                p.is_positive_at(g.result.rtp, zero),
            )
        })
        .collect();
    let break_evens: Vec<f64> = g
        .result
        .break_evens
        .iter()
        .filter_map(|b| {
            if let BreakEven::At(v) = b {
                Some(pct(*v))
            } else {
                None
            }
        })
        .collect();
    Data {
        title: format!("{} {}", g.sector, g.cluster),
        rtp,
        range: ((rtp - 4.0).floor(), (rtp + 3.0).ceil()),
        curve: curve(&g.result.break_evens, &omzet),
        break_evens,
        margins,
        share_providers: pct(run.config.criteria.aandeel_aanbieders),
        share_omzet: pct(run.config.criteria.aandeel_omzet),
        sign: if zero { "≥ 0" } else { "> 0" },
    }
}

type Drawn<DB> = Result<(), DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

type Chart<'a, DB> = ChartContext<
    'a,
    DB,
    Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>,
>;

/// The RTP as a red vertical line up to `top`, and the legend of every labelled series.
fn mark_rtp<'a, DB: DrawingBackend + 'a>(
    chart: &mut Chart<'a, DB>,
    rtp: f64,
    top: f64,
    legend: SeriesLabelPosition,
) -> Drawn<DB> {
    chart
        .draw_series(LineSeries::new(
            vec![(rtp, 0.0), (rtp, top)],
            RED.stroke_width(2),
        ))?
        .label(format!("RTP {}%", nl(rtp, 1)))
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], RED.stroke_width(2)));
    chart
        .configure_series_labels()
        .position(legend)
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK)
        .label_font(("sans-serif", 15))
        .draw()
}

/// One provider on a group's figures: its break-even in percent (none when it is ±∞, then
/// nothing is drawn for it) and the legend's words.
struct Marker {
    at: Option<f64>,
    label: String,
}

/// The figure's range with room for the marker: the group's range, widened to take in a
/// provider's break-even that lies outside it (up to 0-200%, the bounds an RTP can have).
fn range_with(d: &Data, marker: Option<&Marker>) -> (f64, f64) {
    let (x0, x1) = d.range;
    match marker.and_then(|m| m.at) {
        Some(at) => (
            x0.min((at - 0.5).floor()).max(0.0),
            x1.max((at + 0.5).ceil()).min(200.0),
        ),
        None => (x0, x1),
    }
}

/// The provider's break-even as a purple line up to `top`, in the legend.
fn mark_provider<'a, DB: DrawingBackend + 'a>(
    chart: &mut Chart<'a, DB>,
    marker: Option<&Marker>,
    top: f64,
) -> Drawn<DB> {
    if let Some(m) = marker {
        let at = m.at.unwrap_or(f64::NAN);
        let line = if at.is_finite() {
            vec![(at, 0.0), (at, top)]
        } else {
            Vec::new()
        };
        chart
            .draw_series(LineSeries::new(line, PURPLE.stroke_width(3)))?
            .label(m.label.as_str())
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], PURPLE.stroke_width(3)));
    }
    Ok(())
}

fn shares<DB: DrawingBackend>(
    root: DrawingArea<DB, Shift>,
    d: &Data,
    marker: Option<&Marker>,
) -> Drawn<DB> {
    root.fill(&WHITE)?;
    let (x0, x1) = range_with(d, marker);
    let mut chart = ChartBuilder::on(&root)
        .caption(
            format!("{}: aanbieders en omzet met resultaat {}", d.title, d.sign),
            ("sans-serif", 22),
        )
        .margin(16)
        .x_label_area_size(48)
        .y_label_area_size(64)
        .build_cartesian_2d(x0..x1, 0.0..100.0)?;
    chart
        .configure_mesh()
        .x_desc("percentage van het NZa-maximumtarief (%)")
        .y_desc(format!("aandeel met resultaat {} (%)", d.sign))
        .x_label_formatter(&|x| nl(*x, 1))
        .y_label_formatter(&|y| nl(*y, 0))
        .label_style(("sans-serif", 15))
        .draw()?;
    // Steps: flat until a break-even, then up to the share from there on.
    let step = |which: usize| -> Vec<(f64, f64)> {
        let first = if which == 0 {
            d.curve.start.0
        } else {
            d.curve.start.1
        };
        let mut level = pct(first);
        let mut points = vec![(x0, level)];
        for &(r, n, o) in &d.curve.steps {
            let x = pct(r);
            let next = pct(if which == 0 { n } else { o });
            if x <= x0 {
                level = next;
                points = vec![(x0, level)];
            } else if x < x1 {
                points.push((x, level));
                points.push((x, next));
                level = next;
            }
        }
        points.push((x1, level));
        points
    };
    chart
        .draw_series(LineSeries::new(step(0), BLUE.stroke_width(3)))?
        .label("aanbieders")
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], BLUE.stroke_width(3)));
    if d.share_omzet > 0.0 {
        chart
            .draw_series(LineSeries::new(step(1), ORANGE.stroke_width(3)))?
            .label("omzet")
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], ORANGE.stroke_width(3)));
    }
    let mut lines = vec![d.share_providers];
    if d.share_omzet > 0.0 && d.share_omzet != d.share_providers {
        lines.push(d.share_omzet);
    }
    for y in lines {
        chart.draw_series(LineSeries::new(
            vec![(x0, y), (x1, y)],
            GREY.stroke_width(1),
        ))?;
        chart.draw_series(std::iter::once(Text::new(
            format!("criterium {}%", nl(y, 0)),
            (x0 + 0.1, y + 1.5),
            ("sans-serif", 14),
        )))?;
    }
    mark_provider(&mut chart, marker, 100.0)?;
    mark_rtp(&mut chart, d.rtp, 100.0, SeriesLabelPosition::LowerRight)?;
    root.present()
}

fn histogram<DB: DrawingBackend>(
    root: DrawingArea<DB, Shift>,
    d: &Data,
    marker: Option<&Marker>,
) -> Drawn<DB> {
    root.fill(&WHITE)?;
    let (x0, x1) = range_with(d, marker);
    let width = 0.5;
    let bins = ((x1 - x0) / width).round() as usize;
    let mut counts = vec![0u32; bins];
    let (mut below, mut above) = (0, 0);
    for &b in &d.break_evens {
        if b < x0 {
            below += 1;
        } else if b >= x1 {
            above += 1;
        } else {
            counts[(((b - x0) / width) as usize).min(bins - 1)] += 1;
        }
    }
    // The marked provider's bin, drawn in purple.
    let own = marker
        .and_then(|m| m.at)
        .filter(|&b| b >= x0 && b < x1)
        .map(|b| (((b - x0) / width) as usize).min(bins - 1));
    let top = counts.iter().copied().max().unwrap_or(0).max(1) as f64 * 1.15;
    let caption = format!(
        "{}: break-evenpercentages ({} lager, {} hoger dan het bereik)",
        d.title, below, above
    );
    let mut chart = ChartBuilder::on(&root)
        .caption(caption, ("sans-serif", 22))
        .margin(16)
        .x_label_area_size(48)
        .y_label_area_size(56)
        .build_cartesian_2d(x0..x1, 0.0..top)?;
    chart
        .configure_mesh()
        .x_desc("break-evenpercentage (%)")
        .y_desc("aantal aanbieders")
        .y_labels((top as usize).min(10) + 1)
        .x_label_formatter(&|x| nl(*x, 1))
        // Counts are whole: a tick between two counts gets no label.
        .y_label_formatter(&|y| {
            if y.fract().abs() < 1e-9 {
                nl(*y, 0)
            } else {
                String::new()
            }
        })
        .label_style(("sans-serif", 15))
        .draw()?;
    chart.draw_series(counts.iter().enumerate().map(|(i, &c)| {
        let left = x0 + i as f64 * width;
        let color = if own == Some(i) {
            PURPLE.filled()
        } else {
            BLUE.mix(0.7).filled()
        };
        Rectangle::new([(left, 0.0), (left + width, c as f64)], color)
    }))?;
    mark_provider(&mut chart, marker, top)?;
    mark_rtp(&mut chart, d.rtp, top, SeriesLabelPosition::UpperLeft)?;
    root.present()
}

fn margins<DB: DrawingBackend>(root: DrawingArea<DB, Shift>, d: &Data) -> Drawn<DB> {
    root.fill(&WHITE)?;
    let xs: Vec<f64> = d.margins.iter().map(|m| m.0.max(0.01)).collect();
    let (lo, hi) = xs
        .iter()
        .fold((f64::MAX, f64::MIN), |(a, b), &x| (a.min(x), b.max(x)));
    let (lo, hi) = if lo > hi {
        (0.1, 10.0)
    } else {
        (lo / 1.5, hi * 1.5)
    };
    let ys: Vec<f64> = d.margins.iter().map(|m| m.1.clamp(-15.0, 15.0)).collect();
    let bound = ys.iter().fold(2.0f64, |a, &y| a.max(y.abs())) * 1.1;
    let mut chart = ChartBuilder::on(&root)
        .caption(
            format!("{}: resultaat bij de RTP van {}%", d.title, nl(d.rtp, 1)),
            ("sans-serif", 22),
        )
        .margin(16)
        .x_label_area_size(48)
        .y_label_area_size(64)
        .build_cartesian_2d((lo..hi).log_scale(), -bound..bound)?;
    chart
        .configure_mesh()
        .x_desc("omzet (mln €, logaritmische schaal)")
        .y_desc("resultaat bij RTP (% van omzet)")
        .x_label_formatter(&|x| nl(*x, if *x < 1.0 { 2 } else { 0 }))
        .y_label_formatter(&|y| nl(*y, 1))
        .label_style(("sans-serif", 15))
        .draw()?;
    chart.draw_series(LineSeries::new(
        vec![(lo, 0.0), (hi, 0.0)],
        GREY.stroke_width(1),
    ))?;
    chart.draw_series(xs.iter().zip(&ys).zip(&d.margins).map(|((&x, &y), m)| {
        Circle::new((x, y), 5, if m.2 { GREEN.filled() } else { RED.filled() })
    }))?;
    root.present()
}

/// Draws one figure as SVG text and as PNG bytes.
fn both(
    draw_svg: impl FnOnce(DrawingArea<SVGBackend, Shift>) -> Drawn<SVGBackend>,
    draw_png: impl FnOnce(DrawingArea<BitMapBackend, Shift>) -> Drawn<BitMapBackend>,
) -> Result<(String, Vec<u8>)> {
    let mut svg = String::new();
    draw_svg(SVGBackend::with_string(&mut svg, SIZE).into_drawing_area())
        .map_err(|e| anyhow!("drawing a figure: {e}"))?;
    let mut rgb = vec![0u8; (SIZE.0 * SIZE.1 * 3) as usize];
    draw_png(BitMapBackend::with_buffer(&mut rgb, SIZE).into_drawing_area())
        .map_err(|e| anyhow!("drawing a figure: {e}"))?;
    let mut png_bytes = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut png_bytes, SIZE.0, SIZE.1);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header()?;
        writer.write_image_data(&rgb)?;
    }
    Ok((svg, png_bytes))
}

/// A figure of one group: its file stem (`vv-intramuraal-aandelen`), SVG and PNG.
pub(crate) struct Figure {
    pub stem: String,
    pub group: String,
    pub svg: String,
    pub png: Vec<u8>,
}

/// Every figure of the run, in group order. The groups are drawn in parallel: each
/// figure depends on its own group alone, and the order is restored by the collect.
pub(crate) fn figures(run: &Run) -> Result<Vec<Figure>> {
    register_font();
    let per_group: Vec<Vec<Figure>> = run
        .groups
        .par_iter()
        .map(|g| -> Result<Vec<Figure>> {
            let d = data(run, g);
            let base = format!("{}-{}", g.sector.as_str().to_lowercase(), g.cluster);
            let drawn = [
                (
                    "aandelen",
                    both(|a| shares(a, &d, None), |a| shares(a, &d, None))?,
                ),
                (
                    "breakeven",
                    both(|a| histogram(a, &d, None), |a| histogram(a, &d, None))?,
                ),
                ("marge", both(|a| margins(a, &d), |a| margins(a, &d))?),
            ];
            Ok(drawn
                .into_iter()
                .map(|(kind, (svg, png))| Figure {
                    stem: format!("{base}-{kind}"),
                    group: g.name(),
                    svg,
                    png,
                })
                .collect())
        })
        .collect::<Result<_>>()?;
    Ok(per_group.into_iter().flatten().collect())
}

/// One provider's place in its group, as SVG: the group's curves and its distribution of
/// break-evens (`aandelen`, `breakeven`) with member `j`'s break-even marked and labelled
/// `label`. SVG only: the statements are pages, and a page inlines its figures.
pub(crate) fn marked(run: &Run, g: &Group, j: usize, label: String) -> Result<[String; 2]> {
    register_font();
    let d = data(run, g);
    let at = match g.result.break_evens[j] {
        BreakEven::At(v) => Some(pct(v)),
        BreakEven::Always | BreakEven::Never => None,
    };
    let marker = Marker { at, label };
    let svg = |draw: &dyn Fn(DrawingArea<SVGBackend, Shift>) -> Drawn<SVGBackend>| {
        let mut svg = String::new();
        draw(SVGBackend::with_string(&mut svg, SIZE).into_drawing_area())
            .map_err(|e| anyhow!("drawing a figure: {e}"))?;
        Ok::<_, anyhow::Error>(svg)
    };
    Ok([
        svg(&|a| shares(a, &d, Some(&marker)))?,
        svg(&|a| histogram(a, &d, Some(&marker)))?,
    ])
}

/// A line figure of a sweep: one or more series of (x %, RTP %) with a grey vertical line
/// at the configured value of x.
pub(crate) struct Sweep {
    pub stem: String,
    pub group: String,
    pub title: String,
    pub x_desc: String,
    /// (label, points), drawn in blue, orange, green.
    pub series: Vec<(String, Vec<(f64, f64)>)>,
    /// The configuration's own value of x, and its label.
    pub configured: (f64, String),
}

fn sweep_chart<DB: DrawingBackend>(root: DrawingArea<DB, Shift>, s: &Sweep) -> Drawn<DB> {
    root.fill(&WHITE)?;
    let xs = s.series.iter().flat_map(|(_, p)| p.iter().map(|q| q.0));
    let ys = s.series.iter().flat_map(|(_, p)| p.iter().map(|q| q.1));
    let x0 = xs.clone().fold(f64::INFINITY, f64::min).min(s.configured.0);
    let x1 = xs.fold(f64::NEG_INFINITY, f64::max).max(s.configured.0);
    let (x0, x1) = if x0.is_finite() {
        (x0, x1.max(x0 + 1.0))
    } else {
        (0.0, 1.0)
    };
    let y0 = ys.clone().fold(f64::INFINITY, f64::min);
    let y1 = ys.fold(f64::NEG_INFINITY, f64::max);
    let (y0, y1) = if y0.is_finite() {
        ((y0 - 0.5).floor(), (y1 + 0.5).ceil())
    } else {
        (90.0, 100.0)
    };
    let mut chart = ChartBuilder::on(&root)
        .caption(&s.title, ("sans-serif", 22))
        .margin(16)
        .x_label_area_size(48)
        .y_label_area_size(64)
        .build_cartesian_2d(x0..x1, y0..y1)?;
    chart
        .configure_mesh()
        .x_desc(s.x_desc.as_str())
        .y_desc("RTP (%)")
        .x_label_formatter(&|x| nl(*x, 1))
        .y_label_formatter(&|y| nl(*y, 1))
        .label_style(("sans-serif", 15))
        .draw()?;
    chart
        .draw_series(LineSeries::new(
            vec![(s.configured.0, y0), (s.configured.0, y1)],
            GREY.stroke_width(2),
        ))?
        .label(s.configured.1.as_str())
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], GREY.stroke_width(2)));
    for ((label, points), color) in s.series.iter().zip([BLUE, ORANGE, GREEN]) {
        chart
            .draw_series(LineSeries::new(points.clone(), color.stroke_width(3)))?
            .label(label.as_str())
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(3))
            });
        chart.draw_series(points.iter().map(|&p| Circle::new(p, 4, color.filled())))?;
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK)
        .label_font(("sans-serif", 15))
        .draw()?;
    root.present()
}

/// A sweep's figure as SVG and PNG.
pub(crate) fn sweep_figure(s: &Sweep) -> Result<Figure> {
    register_font();
    let (svg, png) = both(|a| sweep_chart(a, s), |a| sweep_chart(a, s))?;
    Ok(Figure {
        stem: s.stem.clone(),
        group: s.group.clone(),
        svg,
        png,
    })
}

/// A fraction as a float percentage, for drawing only.
pub(crate) fn percent_f64(d: Decimal) -> f64 {
    pct(d)
}
