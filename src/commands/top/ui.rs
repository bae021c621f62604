//! `--top` on a terminal: a full-screen view drawn with ratatui over
//! crossterm, refreshed every interval. Keys: `s` cycles the sort column,
//! `/` edits a filter (Enter keeps it, Esc drops it), `q`, Esc and
//! Ctrl-C quit. Real servers the metrics endpoint reports down are red,
//! those of weight 0 yellow. `ratatui::try_init` installs a panic hook
//! that restores the terminal; the normal way out restores it too.

use std::time::{Duration, Instant};

use ratatui::crossterm::event::{
    self, Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers,
};
use ratatui::layout::{Constraint, Layout};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::{DefaultTerminal, Frame};

use super::Reader;
use super::snapshot;
use super::view::{self, Reading, ServiceView, SortBy};
use crate::client::Client;
use crate::error::Result;

/// What the view shows besides the table.
#[derive(Debug, Default)]
pub(super) struct State {
    pub sort: SortBy,
    pub filter: String,
    /// The filter is being typed.
    pub editing: bool,
    pub views: Vec<ServiceView>,
    /// Namespaces that could not be read at the last refresh.
    pub errors: Vec<String>,
    /// Why the metrics endpoint could not be read at the last refresh.
    pub health_error: Option<String>,
    pub interval_ms: u64,
    /// The metrics endpoint read (`--metrics`), if any.
    pub metrics: Option<std::net::SocketAddr>,
}

/// What a key asks for.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Next {
    Stay,
    Quit,
}

pub(super) fn run(
    client: &mut Client,
    reader: &mut Reader,
    interval: Duration,
) -> Result<()> {
    let mut terminal = ratatui::try_init()?;
    let result = event_loop(&mut terminal, client, reader, interval);
    ratatui::restore();
    result
}

fn event_loop(
    terminal: &mut DefaultTerminal,
    client: &mut Client,
    reader: &mut Reader,
    interval: Duration,
) -> Result<()> {
    let mut state = State {
        interval_ms: interval.as_millis() as u64,
        metrics: reader.metrics(),
        ..State::default()
    };
    let mut previous: Option<Reading> = None;
    let mut next = Instant::now();
    loop {
        if Instant::now() >= next {
            let mut reading = Reading::new(Instant::now());
            let mut errors = Vec::new();
            reader.read_into(client, &mut reading, &mut errors)?;
            state.views = view::services(previous.as_ref(), &reading);
            state.health_error = reader.mark(&mut state.views);
            state.errors = errors.iter().map(ToString::to_string).collect();
            previous = Some(reading);
            next += interval;
            if next < Instant::now() {
                next = Instant::now() + interval;
            }
        }
        terminal.draw(|f| draw(f, &state))?;
        let wait = next.saturating_duration_since(Instant::now());
        if event::poll(wait)? {
            if let Event::Key(key) = event::read()? {
                if key.kind != KeyEventKind::Release
                    && handle_key(&mut state, key) == Next::Quit
                {
                    return Ok(());
                }
            }
        }
    }
}

/// Applies one key press.
pub(super) fn handle_key(state: &mut State, key: KeyEvent) -> Next {
    let ctrl_c = key.modifiers.contains(KeyModifiers::CONTROL)
        && key.code == KeyCode::Char('c');
    if ctrl_c {
        return Next::Quit;
    }
    if state.editing {
        match key.code {
            KeyCode::Enter => state.editing = false,
            KeyCode::Esc => {
                state.editing = false;
                state.filter.clear();
            }
            KeyCode::Backspace => {
                state.filter.pop();
            }
            KeyCode::Char(c) => state.filter.push(c),
            _ => {}
        }
        return Next::Stay;
    }
    match key.code {
        KeyCode::Char('q') | KeyCode::Esc => return Next::Quit,
        KeyCode::Char('s') => state.sort = state.sort.next(),
        KeyCode::Char('/') => {
            state.editing = true;
            state.filter.clear();
        }
        _ => {}
    }
    Next::Stay
}

/// The rows as shown: filtered, then sorted.
pub(super) fn shown(state: &State) -> Vec<ServiceView> {
    let mut views = state.views.clone();
    view::filter(&mut views, &state.filter);
    view::sort(&mut views, state.sort);
    views
}

fn draw(frame: &mut Frame, state: &State) {
    let [top, body, bottom] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Min(1),
        Constraint::Length(1),
    ])
    .areas(frame.area());
    let [title, columns] = snapshot::titles(state.interval_ms, state.metrics);
    let bold = Style::default().add_modifier(Modifier::BOLD);
    frame.render_widget(
        Paragraph::new(vec![
            Line::from(format!("{title}, sorted by {}", state.sort.name())),
            Line::styled(columns, bold.add_modifier(Modifier::REVERSED)),
        ]),
        top,
    );
    let views = shown(state);
    let mut lines = Vec::new();
    for (v, text) in views.iter().zip(grouped_lines(&views)) {
        let mut group = text.into_iter();
        if let Some(service) = group.next() {
            lines.push(Line::styled(service, bold));
        }
        for (s, text) in v.servers.iter().zip(group) {
            let style = if s.down() {
                Style::default().fg(Color::Red)
            } else if s.drained() {
                Style::default().fg(Color::Yellow)
            } else {
                Style::default()
            };
            lines.push(Line::from(Span::styled(text, style)));
        }
    }
    frame.render_widget(Paragraph::new(lines), body);
    let status = if state.editing {
        format!("filter: {}_  (Enter keeps, Esc drops)", state.filter)
    } else {
        let mut s = String::from("s: sort  /: filter  q: quit");
        if !state.filter.is_empty() {
            s.push_str(&format!("  [filter: {}]", state.filter));
        }
        for e in state
            .errors
            .first()
            .iter()
            .chain(&state.health_error.as_ref())
        {
            s.push_str("  ");
            s.push_str(e);
        }
        s
    };
    frame.render_widget(Paragraph::new(status), bottom);
}

/// The snapshot lines of each service, grouped by service.
fn grouped_lines(views: &[ServiceView]) -> Vec<Vec<String>> {
    views
        .iter()
        .map(|v| snapshot::lines(std::slice::from_ref(v)))
        .collect()
}
