// Controls that only matter without JavaScript (e.g. "Show its leaders" after choosing a
// company, which htmx does by itself) hide once scripts run.
document.documentElement.classList.add("js");
