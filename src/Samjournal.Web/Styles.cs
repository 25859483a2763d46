namespace Samjournal.Web;

/// <summary>The web app's stylesheet, inline so the page needs one request. Colours meet WCAG AA
/// contrast (4.5:1 for text) on their backgrounds; focus is always visible.</summary>
internal static class Styles
{
    public const string Css = """
        :root{--ink:#1b1f24;--muted:#4a5560;--line:#c9d1d9;--accent:#0b5cad;--alert:#8a1c1c;--alert-bg:#fde8e8;--warn-bg:#fff4d6;--ok:#1e6b35}
        *{box-sizing:border-box}body{margin:0;font:16px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--ink);background:#f6f8fa}
        a{color:var(--accent)}a:focus,button:focus,input:focus,select:focus,textarea:focus{outline:3px solid #f0b400;outline-offset:2px}
        .skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:1rem;background:#fff;padding:.5rem;z-index:10}
        header.top{display:flex;flex-wrap:wrap;gap:1rem;align-items:center;background:#fff;border-bottom:1px solid var(--line);padding:.6rem 1rem}
        header.top .brand{font-weight:700;font-size:1.15rem;text-decoration:none;color:var(--ink)}
        header.top nav{display:flex;gap:1rem}header.top .who{margin:0 0 0 auto;display:flex;gap:.6rem;color:var(--muted)}header.top .who strong{color:var(--ink)}
        header.top form{margin:0}header.top .lang{margin:0;display:flex;gap:.5rem}
        main{max-width:72rem;margin:1rem auto;padding:0 1rem}
        h1{font-size:1.5rem;margin:.5rem 0 1rem}h2{font-size:1.1rem;margin:0 0 .5rem}
        table{border-collapse:collapse;width:100%;background:#fff}th,td{text-align:left;padding:.4rem .5rem;border-bottom:1px solid var(--line);vertical-align:top}
        th{font-weight:600;color:var(--muted)}tr.overdue td{background:var(--alert-bg)}
        .badge{display:inline-block;padding:0 .4rem;border-radius:.3rem;font-size:.85rem;font-weight:600;border:1px solid currentColor}
        .badge.alert{color:var(--alert)}.badge.ok{color:var(--ok)}
        .banner{background:#fff;border:1px solid var(--line);border-radius:.4rem;padding:.75rem 1rem;margin-bottom:1rem;display:flex;flex-wrap:wrap;gap:.5rem 2rem;align-items:baseline}
        .banner .name{font-size:1.35rem;font-weight:700}
        .cave{background:var(--alert-bg);color:var(--alert);border:1px solid var(--alert);border-radius:.4rem;padding:.5rem 1rem;margin-bottom:1rem}
        .emergency{background:var(--warn-bg);border:2px solid #8a5a00;border-radius:.4rem;padding:.5rem 1rem;margin-bottom:1rem;font-weight:600}
        .grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(22rem,1fr));gap:1rem}
        section.card{background:#fff;border:1px solid var(--line);border-radius:.4rem;padding:.75rem 1rem}
        section.card.work{margin-bottom:1rem}section.card ul{margin:0;padding-left:1.1rem}.muted{color:var(--muted)}.abnormal{color:var(--alert);font-weight:700}
        form.stack{display:grid;gap:.6rem;max-width:36rem;background:#fff;border:1px solid var(--line);border-radius:.4rem;padding:1rem}
        fieldset{border:1px solid var(--line);border-radius:.4rem}label{display:block}
        input[type=text],input[type=search],input[type=password],select,textarea{font:inherit;padding:.35rem .5rem;border:1px solid #6a737d;border-radius:.3rem;width:100%}
        button{font:inherit;padding:.35rem .9rem;border-radius:.3rem;border:1px solid var(--accent);background:var(--accent);color:#fff;cursor:pointer}
        .error{color:var(--alert);font-weight:600}
        form.stack.wide{max-width:none}form.inline{display:inline}.actions{display:flex;flex-wrap:wrap;gap:.4rem;align-items:flex-start;margin:.3rem 0}
        details>summary{cursor:pointer;color:var(--accent);text-decoration:underline}fieldset label{display:inline-block;margin-right:1rem}
        caption{text-align:left;font-weight:600;padding:.3rem 0}.row{display:flex;gap:1rem}
        """;
}
