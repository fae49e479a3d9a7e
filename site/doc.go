// Package site builds the award's static website from Markdown.
//
// A build reads content and theme as fs.FS values and writes through the
// Output interface; it never touches the disk itself (cmd/award does).
//
// # Content
//
// Each top-level folder of the content tree is a section. A folder's
// _index.md gives its list page (content/_index.md the home page);
// <folder>/index.md makes a page bundle whose other files are published
// beside it; any other .md file is a page at its path without ".md"
// (front matter "slug" replaces the last element). Other files are copied
// as they are.
//
// Front matter is YAML between "---" lines. Keys: title, date, publishDate,
// expiryDate, lastmod, draft, weight, slug, aliases, summary, tags, type,
// layout, params; every other key is kept in Page.Params. Dates without an
// offset are read in the configured time zone (Asia/Shanghai by default).
// Drafts, pages whose publishDate (default: date) is after the build's now,
// and pages whose expiryDate has passed are left out unless Options say
// otherwise; the Report lists them. A list page (an _index.md) is left out
// only as a draft: its dates order and stamp it, but an _index.md dated
// after the pages it lists, or expired, does not take its section away. A
// link to a page left out fails the build naming that page's file and the
// draft flag or date that keeps it out.
//
// Pages of type "publicity" and "call" carry a window (package schedule).
// Such a page may not be published after its window opens: a date (or a
// publishDate) later than the window's opening moment fails the build. A
// window page left out only because its publish time is still to come
// keeps its window in windows.json (not in Site.Publicities or Site.Calls),
// so that the intake opens the window on time whenever the site was built.
//
// Lists sort by weight (weighted first, ascending), then date (newest
// first), then title, and are paginated: page 1 at the list's URL, page N at
// <list>/page/N/.
//
// Internal links (root-relative "/policy/measures/#第十三条", relative, or
// to a content file "measures.md") are rewritten to carry the base path and
// checked: a link to a page, file or heading anchor the build does not
// produce fails the build with file and line.
//
// Attachments: a relative link resolves against the page's address, as a
// browser resolves it, so "申报表模板.docx" in notices/2026-call.md points at
// /notices/2026-call/申报表模板.docx. A file placed beside the Markdown file
// (content/notices/申报表模板.docx) is published there too, besides its own
// place (/notices/申报表模板.docx); in a page bundle
// (notices/2026-call/index.md) the bundle's files are there anyway.
//
// Configuration: in a build for the public (a baseURL that is not
// localhost or a loopback address, see Config.Local) each empty footer
// identifier (footer.siteCode 网站标识码, footer.icp ICP备案号,
// footer.publicSec 公安机关备案号) is a warning in the Report, naming the
// configuration file (Options.ConfigLabel). footer.govMarkImage, the
// 党政机关网站标识, must be a PNG, JPEG or GIF file the site publishes (from
// a static folder), else the build fails; its size is read into
// Footer.GovMarkWidth and GovMarkHeight for the templates.
//
// # Template contract
//
// A theme is a folder with layouts/ (html/template files) and optionally
// static/ (copied to the output root). Every template receives a *View as
// dot: .Site (*Site), .Page (*Page) and, on list pages, .Paginator (*Pager).
//
// layouts/_default/baseof.html, if present, is the base layout: an entry
// template with a {{define}} (typically {{define "main"}}) fills it in, and
// text outside its definitions is ignored; an entry without one is the whole
// page.
// layouts/partials/*.html are shared and included with
// {{template "partials/NAME.html" .}}.
//
// Lookup order, first existing wins (TYPE is front matter "type", default
// the section; LAYOUT is front matter "layout"):
//
//	page:     TYPE/LAYOUT, TYPE/single, SECTION/LAYOUT, SECTION/single, _default/LAYOUT, _default/single
//	section:  TYPE/LAYOUT, TYPE/list, SECTION/LAYOUT, SECTION/list, _default/LAYOUT, _default/list
//	home:     index, TYPE/LAYOUT, _default/LAYOUT, _default/list
//	tags:     _default/terms, _default/list      (the list of all tags, /tags/)
//	tag:      _default/term, _default/list       (one tag's pages, /tags/NAME/)
//	session:  winners/session, _default/term, _default/list
//	          (the winners of one award session, /winners/session-N/, made for
//	          each "session" of the pages of type winner; Site.Sessions lists them)
//	404:      404, _default/single               (written as 404.html)
//
// Template functions: relURL, absURL, date, cnDate, isoDate, first, add,
// dict, safeHTML, pathBase (see templateFuncs for their contracts), and
// partialCached NAME DOT [VARIANTS…], which renders a partial once per build
// for each dot and variants and reuses the HTML (for parts that are the same
// wherever they appear, such as a page's entry in every list; the output is
// inserted as HTML, so call it where an element may stand).
//
// layouts/partials/intake-header.html and layouts/partials/intake-footer.html,
// if the theme has them (both, or neither: one alone fails the build), are
// the chrome of the intake's pages (forms, receipts, error pages): the build
// executes each with a *View whose Site is set and whose Page and Paginator
// are nil (those pages are none of the site's), and writes the two results
// to _award/chrome.json (format: package internal/pagechrome), which the
// intake reads and reloads when it changes. The intake inserts the header
// as HTML between its skip link and its <main id="main">, and the footer
// after </main>; so they must be HTML that may stand there, with no script,
// no inline style or event handler (the intake's Content-Security-Policy),
// and nothing that differs from page to page (current-section marks): the
// default theme's include its header.html (with .Site) and footer.html, so
// the intake's pages show the header and footer of the site's. Like every
// template but those of pages, lists, the home page and feeds, they may not
// show a page's Content or Summary (a body-only edit does not render them).
//
// Besides the templates' pages a build writes an Atom feed for the site
// (atom.xml: the pages of the sections, not those at the top of the content
// tree such as search, the forms, about and contact) and for each section
// (<section>/atom.xml), sitemap.xml,
// robots.txt, a redirect page for each alias, and for the intake
// windows.json (package schedule) and, as above, _award/chrome.json; with a
// holiday schedule (Options.Calendar), calendar.json, the working-day
// calendar the application form's script counts on (workday.Published).
package site
