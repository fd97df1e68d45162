//! Text in the PNG chart with its glyphs where the font puts them. plotters 0.3.7 draws each
//! glyph of a bitmap text at the pen position without the glyph's left side bearing, so narrow
//! letters leave gaps ("Ta jikistan", "Russi an Federati on"); [`Glyphs`] wraps a backend and
//! draws text itself, bearing included, passing everything else through unchanged.

use std::sync::LazyLock;

use ab_glyph::{Font, FontRef, ScaleFont};
use plotters_backend::text_anchor::{HPos, VPos};
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingBackend, DrawingErrorKind,
};

/// DejaVu Sans, the one font the chart uses (registered as `sans-serif`).
static FONT: LazyLock<Option<FontRef<'static>>> =
    LazyLock::new(|| FontRef::try_from_slice(dejavu::sans::regular()).ok());

/// A drawing backend whose text is laid out with each glyph's side bearing.
pub struct Glyphs<B>(pub B);

/// The pixels of `text` at `size` px: (x, y, coverage 0–1), x from the pen's start (left side
/// bearings included, kerning applied), y from the top of the text box as plotters places it.
pub fn text_pixels(text: &str, size: f64) -> Vec<(i32, i32, f32)> {
    let Some(font) = FONT.as_ref() else {
        return Vec::new();
    };
    let font = font.as_scaled(size as f32);
    let mut out = Vec::new();
    let mut pen = 0f32;
    let mut prev = None;
    for c in text.chars() {
        let id = font.glyph_id(c);
        if let Some(p) = prev {
            pen += font.kern(p, id);
        }
        prev = Some(id);
        // Positioned at the pen (sub-pixel), so the bounds include the side bearing.
        let mut glyph = font.scaled_glyph(c);
        glyph.position = ab_glyph::point(pen, 0.0);
        if let Some(q) = font.outline_glyph(glyph) {
            let rect = q.px_bounds();
            let (dx, dy) = (rect.min.x as i32, (size as f32 / 2.0 + rect.min.y) as i32);
            q.draw(|x, y, a| out.push((x as i32 + dx, y as i32 + dy, a)));
        }
        pen += font.h_advance(id);
    }
    out
}

impl<B: DrawingBackend> DrawingBackend for Glyphs<B> {
    type ErrorType = B::ErrorType;

    fn get_size(&self) -> (u32, u32) {
        self.0.get_size()
    }

    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        self.0.ensure_prepared()
    }

    fn present(&mut self) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        self.0.present()
    }

    fn draw_pixel(
        &mut self,
        point: BackendCoord,
        color: BackendColor,
    ) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        self.0.draw_pixel(point, color)
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        self.0.draw_line(from, to, style)
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        self.0.draw_rect(upper_left, bottom_right, style, fill)
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        self.0.draw_path(path, style)
    }

    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        self.0.draw_circle(center, radius, style, fill)
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        self.0.fill_polygon(vert, style)
    }

    fn blit_bitmap(
        &mut self,
        pos: BackendCoord,
        size: (u32, u32),
        src: &[u8],
    ) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        self.0.blit_bitmap(pos, size, src)
    }

    /// As plotters' default (anchor, transform, clipping to the canvas), with the glyphs of
    /// [`text_pixels`].
    fn draw_text<S: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &S,
        pos: BackendCoord,
    ) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        let color = style.color();
        if color.alpha == 0.0 {
            return Ok(());
        }
        let ((min_x, min_y), (max_x, max_y)) = style
            .layout_box(text)
            .map_err(|e| DrawingErrorKind::FontError(Box::new(e)))?;
        let (width, height) = (max_x - min_x, max_y - min_y);
        let dx = match style.anchor().h_pos {
            HPos::Left => 0,
            HPos::Right => -width,
            HPos::Center => -width / 2,
        };
        let dy = match style.anchor().v_pos {
            VPos::Top => 0,
            VPos::Center => -height / 2,
            VPos::Bottom => -height,
        };
        let trans = style.transform();
        let (w, h) = self.get_size();
        for (x, y, a) in text_pixels(text, style.size()) {
            let (x, y) = trans.transform(x + dx - min_x, y + dy - min_y);
            let (x, y) = (pos.0 + x, pos.1 + y);
            if x >= 0 && x < w as i32 && y >= 0 && y < h as i32 {
                self.0.draw_pixel((x, y), color.mix(a as f64))?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use plotters::prelude::*;

    /// The first inked pixel column of `text` drawn at x = 20 and `size` px (`fixed`: through
    /// [`Glyphs`], else plotters alone), relative to 20.
    fn ink_start(text: &str, size: f64, fixed: bool) -> i32 {
        crate::chart::register_font();
        let (w, h) = (200u32, 80u32);
        let mut buf = vec![255u8; (w * h * 3) as usize];
        {
            let bitmap = BitMapBackend::with_buffer(&mut buf, (w, h));
            let text = Text::new(text, (20, 4), ("sans-serif", size));
            if fixed {
                Glyphs(bitmap).into_drawing_area().draw(&text).unwrap();
            } else {
                bitmap.into_drawing_area().draw(&text).unwrap();
            }
        }
        let inked = |x: usize| (0..h as usize).any(|y| buf[(y * w as usize + x) * 3] < 250);
        (0..w as usize).position(inked).unwrap() as i32 - 20
    }

    /// A glyph's left side bearing at `size` px, from the font's metrics.
    fn bearing(c: char, size: f64) -> f32 {
        let font = FONT.as_ref().unwrap().as_scaled(size as f32);
        font.h_side_bearing(font.glyph_id(c))
    }

    #[test]
    fn glyphs_start_at_their_side_bearing() {
        for c in ['i', 'a', 'j', 'T', 'R', 'n'] {
            let (got, want) = (ink_start(&c.to_string(), 40.0, true), bearing(c, 40.0));
            assert!(
                (got as f32 - want).abs() <= 1.0,
                "{c}: ink at {got}, bearing {want}"
            );
        }
        // The gap that printed "Russi an": an `i` placed by plotters alone starts a bearing
        // early (if this fails, plotters places glyphs right and Glyphs can go).
        assert!(bearing('i', 40.0) >= 3.0);
        assert_eq!(ink_start("i", 40.0, false), 0);
    }

    #[test]
    fn text_pixels_advance_by_the_font_metrics() {
        let font = FONT.as_ref().unwrap().as_scaled(13.0);
        let width = |s: &str| text_pixels(s, 13.0).iter().map(|p| p.0).max().unwrap();
        // "ii" ends one advance after "i".
        let advance = font.h_advance(font.glyph_id('i'));
        assert!(((width("ii") - width("i")) as f32 - advance).abs() <= 1.0);
        assert!(text_pixels("", 13.0).is_empty());
    }
}
