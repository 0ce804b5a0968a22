import type { Child } from "hono/jsx";

/** What every page shares: its title, its script module and the width of its column. */
export interface LayoutProps {
  title: string;
  /** Header label; deliberately neutral, since a screen seen over a shoulder must not reveal treatment. */
  brand: string;
  /** Name of the page's module under `/assets/`. */
  script: string;
  wide?: boolean;
  /** Rendered at the end of the header (e.g. a sign-out button the script reveals). */
  headerEnd?: Child;
  children?: Child;
}

/**
 * The page shell: a skip link, a header, one `main` landmark and a `noscript` notice. No inline
 * script or style (the CSP forbids both); the page's behaviour lives in its module.
 */
export function Layout(props: LayoutProps) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light" />
        <meta name="robots" content="noindex, nofollow" />
        <title>{props.title}</title>
        <link rel="icon" href="data:," />
        <link rel="stylesheet" href="/assets/app.css" />
        <script type="module" src={`/assets/${props.script}`} />
      </head>
      <body>
        <a class="skip" href="#main">
          Skip to content
        </a>
        <header class="top">
          <div class={props.wide ? "bar wrap wide" : "bar wrap"}>
            <span class="brand">{props.brand}</span>
            {props.headerEnd}
          </div>
        </header>
        <main id="main" class={props.wide ? "wrap wide" : "wrap"} tabindex={-1}>
          <noscript>
            <p class="card notice">This page needs JavaScript to check you in. Please turn it on and reload.</p>
          </noscript>
          {props.children}
        </main>
      </body>
    </html>
  );
}

/** A status line that screen readers announce when it changes, without moving focus. */
export function LiveStatus(props: { id: string; class?: string }) {
  return <p id={props.id} class={props.class ?? "status-line"} role="status" aria-live="polite" aria-atomic="true" />;
}
