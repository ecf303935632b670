// Pages work without JavaScript; this only adds GOV.UK Frontend's progressive enhancements.
import { initAll } from '/static/govuk/govuk-frontend.min.js'
initAll()
