# Expected values for tests/unit/test_report_pool.c, computed with metafor.
# Run from the source dir:
#   Rscript tests/golden/report/metafor.R > tests/golden/report/pool_expected.txt
suppressMessages(library(metafor))
aofas <- read.csv("examples/ankle-regen/meta_msc_bms_aofas.csv")
vas <- read.csv("examples/ankle-regen/meta_msc_bms_vas.csv")
vas <- vas[!is.na(vas$m2i), ]
out <- function(name, res) {
  cat(sprintf("%s estimate %.10f se %.10f ci_lb %.10f ci_ub %.10f tau2 %.10f I2 %.10f QE %.10f QEp %.10f\n",
              name, res$b[1], res$se, res$ci.lb, res$ci.ub, res$tau2, res$I2, res$QE, res$QEp))
}
out("aofas_md", rma(measure = "MD", m1i = m1i, sd1i = sd1i, n1i = n1i, m2i = m2i, sd2i = sd2i, n2i = n2i, data = aofas, method = "REML"))
out("vas_md", rma(measure = "MD", m1i = m1i, sd1i = sd1i, n1i = n1i, m2i = m2i, sd2i = sd2i, n2i = n2i, data = vas, method = "REML"))
# "VAS,AOFAS": every study uses the first listed instrument it reports; Kim
# 2014a reports VAS for the MSC arm only, so it is left out (not switched to
# AOFAS). VAS: lower is better, so the signs are flipped.
es <- escalc(measure = "SMD", m1i = m1i, sd1i = sd1i, n1i = n1i, m2i = m2i, sd2i = sd2i, n2i = n2i, data = vas)
es$yi <- -es$yi
out("vas_aofas_smd", rma(yi, vi, data = es, method = "REML"))
es2 <- escalc(measure = "SMD", m1i = m1i, sd1i = sd1i, n1i = n1i, m2i = m2i, sd2i = sd2i, n2i = n2i, data = aofas)
out("aofas_smd_dl", rma(yi, vi, data = es2, method = "DL"))
