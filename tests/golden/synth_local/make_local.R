# make_local.R - extra reference cases for the synth engine, computed with
# R's metafor on the development machine, in the schema of
# tests/golden/synth/README.md. They cover settings the public golden set
# does not (more vtypes, change-score measures, estimators with moderators,
# F tests, profile-likelihood CIs of ML fits). Run from this folder:
#   Rscript make_local.R
suppressPackageStartupMessages({library(metafor); library(jsonlite)})

num <- function(x) { x <- unname(x); x[is.infinite(x) | is.nan(x)] <- NA; x }
ctl_tight <- list(threshold = 1e-12, maxiter = 10000L)

write_case <- function(id, kind, desc, dsname, input, settings, calls, expected) {
  doc <- list(schema_version = 1, id = id, kind = kind, description = desc,
              dataset = list(name = dsname, package = "metadat", subset = NULL),
              input = list(k = nrow(input), columns = as.list(input)),
              settings = settings, metafor_call = calls, expected = expected,
              generated_with = list(R = as.character(getRversion()),
                                    metafor = as.character(packageVersion("metafor")),
                                    metadat = as.character(packageVersion("metadat"))))
  writeLines(toJSON(doc, auto_unbox = TRUE, digits = NA, null = "null", na = "null",
                    pretty = TRUE), paste0(id, ".json"))
}

# ---- escalc variants ---------------------------------------------------------
escalc_case <- function(id, desc, dsname, input, variants) {
  out <- lapply(variants, function(v) {
    w <- character(0)
    # like the public set's generator: add is passed only when it is not the
    # default 1/2 (so AS, IRSD, PAS, PFT get escalc's own default of 0)
    args <- c(list(measure = v$measure, data = input, vtype = v$vtype,
                   to = v$to, drop00 = v$drop00), lapply(v$inputs, as.name))
    names(args)[6:length(args)] <- v$inputs
    if (v$add != 0.5) args$add <- v$add
    es <- withCallingHandlers(do.call(escalc, args),
            warning = function(m) { w <<- c(w, conditionMessage(m)); invokeRestart("muffleWarning") })
    c(v, list(yi = num(es$yi), vi = num(es$vi), warnings = I(w)))
  })
  write_case(id, "escalc", desc, dsname, input, list(), "escalc(...) per variant",
             list(variants = out))
}

v <- function(measure, inputs, vtype = "LS", add = 0.5, to = "only0", drop00 = FALSE)
  list(measure = measure, inputs = I(inputs), add = add, to = to, drop00 = drop00, vtype = vtype)

d <- dat.nielweise2007[, c("study", "ai", "n1i", "ci", "n2i")]
escalc_case("local_nielweise_escalc_rd", "RD variance types UB and AV; RR/OR with to=all and if0all",
  "dat.nielweise2007", d,
  list(v("RD", c("ai","n1i","ci","n2i"), "UB"), v("RD", c("ai","n1i","ci","n2i"), "AV"),
       v("RR", c("ai","n1i","ci","n2i"), to = "if0all"), v("OR", c("ai","n1i","ci","n2i"), add = 1, to = "all"),
       v("RD", c("ai","n1i","ci","n2i"), "AV", drop00 = TRUE)))

d <- dat.debruin2009[, c("author", "xi", "ni")]; names(d)[1] <- "study"
escalc_case("local_debruin_escalc_props", "proportion variance types UB and AV",
  "dat.debruin2009", d,
  list(v("PR", c("xi","ni"), "UB"), v("PR", c("xi","ni"), "AV"), v("PLN", c("xi","ni"), "AV"),
       v("PLO", c("xi","ni"), "AV"), v("PLN", c("xi","ni"))))

d <- dat.mcdaniel1994[1:40, c("study", "ri", "ni")]
d$ni[3] <- 4  # metafor sets the variance to NA when ni <= 4 (with a warning)
escalc_case("local_mcdaniel_escalc_cor", "correlations: UCOR with vtype UB and AV, COR AV, a study with ni = 4",
  "dat.mcdaniel1994", d,
  list(v("UCOR", c("ri","ni"), "UB"), v("UCOR", c("ri","ni"), "AV"), v("UCOR", c("ri","ni")),
       v("COR", c("ri","ni")), v("ZCOR", c("ri","ni"))))

d <- dat.normand1999[, c("study", "m1i", "sd1i", "n1i", "m2i", "sd2i", "n2i")]
escalc_case("local_normand_escalc_smd_av", "SMD with vtype AV, MD with vtype UB",
  "dat.normand1999", d,
  list(v("SMD", c("m1i","sd1i","n1i","m2i","sd2i","n2i"), "AV"),
       v("MD", c("m1i","sd1i","n1i","m2i","sd2i","n2i"), "UB")))

# change scores: synthetic pre/post summaries (no metadat set has them raw)
d <- data.frame(study = paste("Study", 1:6), m1i = c(12.1, 10.4, 15.2, 9.8, 11.0, 13.3),
                m2i = c(10.0, 9.9, 12.1, 9.0, 8.7, 12.0), sd1i = c(3.1, 2.8, 4.0, 2.2, 3.5, 3.9),
                sd2i = c(2.9, 3.0, 3.6, 2.5, 3.1, 4.2), ni = c(20, 35, 18, 50, 27, 41),
                ri = c(0.6, 0.45, 0.7, 0.5, 0.65, 0.55))
escalc_case("local_synthetic_escalc_change", "single-group change scores: MC and SMCC",
  "synthetic.change", d,
  list(v("MC", c("m1i","m2i","sd1i","sd2i","ni","ri")), v("SMCC", c("m1i","m2i","sd1i","sd2i","ni","ri"))))

# ---- rma / rma_mods ----------------------------------------------------------
model_block <- function(fit) {
  m <- list(k = fit$k, p = fit$p)
  st <- if (fit$test == "z") "zval" else "tval"
  if (fit$p == 1) {
    m$estimate <- num(coef(fit)); m$se <- num(fit$se); m[[st]] <- num(fit$zval)
    m$pval <- num(fit$pval); m$ci.lb <- num(fit$ci.lb); m$ci.ub <- num(fit$ci.ub)
  } else {
    cf <- list(names = I(names(coef(fit))), estimate = num(coef(fit)), se = num(fit$se))
    cf[[st]] <- num(fit$zval)
    cf$pval <- num(fit$pval); cf$ci.lb <- num(fit$ci.lb); cf$ci.ub <- num(fit$ci.ub)
    m$coefficients <- cf
    m$vcov <- unname(vcov(fit))
    m$QM <- fit$QM; m$QMdf <- if (fit$test == "z") list(fit$QMdf[1], NULL) else as.list(fit$QMdf)
    m$QMp <- fit$QMp
    m$R2 <- if (is.null(fit$R2)) NULL else num(fit$R2)
  }
  if (fit$test != "z") m$df <- fit$ddf
  if (fit$test %in% c("knha", "adhoc")) m$s2w <- fit$s2w
  m$tau2 <- fit$tau2; m$tau <- sqrt(fit$tau2)
  m$se.tau2 <- if (fit$method %in% c("EE", "FE")) NULL else num(fit$se.tau2)
  m$QE <- fit$QE; m$QEdf <- fit$k - fit$p; m$QEp <- fit$QEp; m$I2 <- fit$I2; m$H2 <- fit$H2
  fs <- fitstats(fit, REML = FALSE); fr <- fitstats(fit, REML = TRUE)
  m$fit.stats <- list(ML = list(logLik = fs[1], deviance = fs[2], AIC = fs[3], BIC = fs[4], AICc = fs[5]),
                      REML = list(logLik = fr[1], deviance = fr[2], AIC = fr[3], BIC = fr[4], AICc = fr[5]))
  m$fit.stats <- rapply(m$fit.stats, function(x) unname(x), how = "list")
  m
}

pred_block <- function(p, ee, tdf) {
  b <- list(pred = num(p$pred), se = num(p$se), ci.lb = num(p$ci.lb), ci.ub = num(p$ci.ub))
  if (!ee) { b$pi.lb <- num(p$pi.lb); b$pi.ub <- num(p$pi.ub) }
  if (!ee && !is.null(tdf)) b$pi.df <- tdf
  b
}

rma_case <- function(id, desc, dsname, input, measure, method, test = "z", mods = NULL,
                     terms = NULL, newmods = NULL, level = 95, control = ctl_tight,
                     esargs = NULL, confint = FALSE) {
  w <- character(0)
  wh <- function(m) { w <<- c(w, conditionMessage(m)); invokeRestart("muffleWarning") }
  if (measure == "GEN") {
    dat <- input
  } else {
    dat <- withCallingHandlers(do.call(escalc, c(list(measure = measure, data = input),
                                                  lapply(setNames(esargs, esargs), as.name))), warning = wh)
  }
  args <- list(yi = dat$yi, vi = dat$vi, method = method, test = test, level = level)
  mm <- function() model.matrix(mods, model.frame(mods, input, na.action = na.pass))
  if (!is.null(mods)) args$mods <- mm()[, -1, drop = FALSE]
  if (!is.null(control)) args$control <- control
  fit <- withCallingHandlers(do.call(rma, args), warning = wh)
  ee <- method %in% c("EE", "FE")
  tdf <- if (test == "z") NULL else fit$k - fit$p
  exp <- list(escalc = list(yi = num(dat$yi), vi = num(dat$vi)),
              used = fit$not.na, model = model_block(fit))
  if (!is.null(mods)) {
    X <- mm()
    colnames(X)[1] <- "intrcpt"
    exp$model$coefficients$names <- I(names(coef(fit)))
    exp$model_matrix <- list(colnames = I(colnames(X)), rows = unname(X))
    p <- predict(fit, newmods = newmods)
    exp$predict <- c(list(newmods = unname(newmods), newmods_colnames = I(names(coef(fit))[-1])),
                     pred_block(p, ee, tdf))
  } else {
    exp$predict <- pred_block(predict(fit), ee, tdf)
  }
  exp$weights_percent <- num(weights(fit))
  if (method %in% c("REML", "ML", "EB", "PM")) {
    # the same fit with metafor's default control, as the public set does
    args$control <- NULL
    fd <- suppressWarnings(do.call(rma, args))
    dc <- list(tau2 = fd$tau2, se.tau2 = num(fd$se.tau2), estimate = num(coef(fd)),
               se = num(fd$se), pval = num(fd$pval))
    if (fd$p == 1) {
      pd <- predict(fd)
      dc <- c(dc, list(ci.lb = num(fd$ci.lb), ci.ub = num(fd$ci.ub), pi.lb = num(pd$pi.lb),
                       pi.ub = num(pd$pi.ub), I2 = fd$I2, H2 = fd$H2))
    } else {
      dc <- c(dc, list(QM = fd$QM, QMp = fd$QMp, R2 = num(fd$R2)))
    }
    exp$default_control <- dc
  }
  if (confint) {
    ci <- confint(fit, control = list(tol = 1e-14, maxiter = 10000))$random
    blk <- function(ci, type) list(type = type,
      tau2 = list(estimate = ci[1,1], ci.lb = ci[1,2], ci.ub = ci[1,3]),
      tau = list(estimate = ci[2,1], ci.lb = ci[2,2], ci.ub = ci[2,3]),
      I2 = list(estimate = ci[3,1], ci.lb = ci[3,2], ci.ub = ci[3,3]),
      H2 = list(estimate = ci[4,1], ci.lb = ci[4,2], ci.ub = ci[4,3]))
    exp$confint_QP <- blk(ci, "QP")
    if (method %in% c("ML", "REML"))
      exp$confint_PL <- blk(confint(fit, type = "PL", control = list(tol = 1e-14, maxiter = 10000))$random, "PL")
  }
  exp$warnings <- I(unique(w))
  st <- list(measure = measure, add = 0.5, to = "only0", drop00 = FALSE, vtype = "LS",
             method = method, test = test, level = level)
  if (measure == "GEN") st <- st[-(2:5)]
  if (!is.null(mods)) st$mods <- list(formula = deparse(mods), intercept = TRUE, terms = terms)
  st$control <- control
  cols <- if (measure == "GEN") c("study", "yi", "vi") else c("study", esargs)
  if (!is.null(terms)) cols <- c(cols, vapply(terms, function(t) t$name, ""))
  write_case(id, if (confint) "confint" else if (is.null(mods)) "rma" else "rma_mods", desc,
             dsname, input[, unique(cols), drop = FALSE], st, "see make_local.R", exp)
}

numterm <- function(n) list(name = n, type = "numeric")
facterm <- function(n, lv) list(name = n, type = "factor", levels = I(lv), reference = lv[1],
  coding = "treatment (dummy) contrasts, levels sorted alphabetically, first level = reference")

bcg <- dat.bcg[, c("trial", "tpos", "tneg", "cpos", "cneg", "ablat", "year", "alloc")]
names(bcg) <- c("study", "ai", "bi", "ci", "di", "ablat", "year", "alloc")
bcg$study <- as.character(bcg$study)
ab <- c("ai", "bi", "ci", "di")
for (m in c("SJ", "HE", "HS", "EB", "PM")) {
  ctl <- if (m == "PM") list(tol = 1e-14, maxiter = 10000L) else if (m == "EB") ctl_tight else NULL
  rma_case(paste0("local_bcg_rr_", tolower(m), "_mods_ablat"), paste(m, "meta-regression on ablat"),
           "dat.bcg", bcg, "RR", m, mods = ~ ablat, terms = list(numterm("ablat")),
           newmods = matrix(c(20, 40), ncol = 1), control = ctl, esargs = ab)
}
rma_case("local_bcg_rr_reml_t_mods_alloc", "REML, t test (F omnibus), factor moderator",
         "dat.bcg", bcg, "RR", "REML", test = "t", mods = ~ alloc,
         terms = list(facterm("alloc", c("alternate", "random", "systematic"))),
         newmods = matrix(c(0, 0, 1, 0), ncol = 2, byrow = TRUE), esargs = ab)
rma_case("local_bcg_rr_dl_adhoc_mods_year", "DL, ad hoc Knapp-Hartung, numeric moderator",
         "dat.bcg", bcg, "RR", "DL", test = "adhoc", mods = ~ year, terms = list(numterm("year")),
         newmods = matrix(c(1950, 1975), ncol = 1), control = NULL, esargs = ab)
rma_case("local_bcg_or_fe_level90_mods", "FE meta-regression at level 90",
         "dat.bcg", bcg, "OR", "FE", mods = ~ ablat + alloc,
         terms = list(numterm("ablat"), facterm("alloc", c("alternate", "random", "systematic"))),
         newmods = matrix(c(30, 1, 0), ncol = 3), level = 90, control = NULL, esargs = ab)
rma_case("local_bcg_rr_ml_confint", "ML fit, Q-profile and profile-likelihood CIs",
         "dat.bcg", bcg, "RR", "ML", esargs = ab, confint = TRUE)
rma_case("local_bcg_rr_dl_mods_confint", "DL meta-regression, Q-profile CI",
         "dat.bcg", bcg, "RR", "DL", mods = ~ ablat, terms = list(numterm("ablat")),
         newmods = matrix(30, ncol = 1), control = NULL, esargs = ab, confint = TRUE)

ban <- dat.bangertdrowns2004[, c("author", "yi", "vi", "length", "grade")]
names(ban)[1] <- "study"; ban$grade <- as.character(ban$grade)
rma_case("local_bangertdrowns_gen_reml_knha", "GEN with NA moderators omitted, REML, knha",
         "dat.bangertdrowns2004", ban, "GEN", "REML", test = "knha", mods = ~ length,
         terms = list(numterm("length")), newmods = matrix(c(5, 20), ncol = 1))
rma_case("local_bangertdrowns_gen_sj", "GEN, SJ, 48 studies", "dat.bangertdrowns2004", ban,
         "GEN", "SJ", control = NULL)

mc <- dat.mcdaniel1994[, c("study", "ri", "ni", "type")]
mc$study <- as.character(mc$study); mc$type <- as.character(mc$type)
rma_case("local_mcdaniel_zcor_ml_mods_type", "ZCOR, ML, factor moderator, 160 studies",
         "dat.mcdaniel1994", mc, "ZCOR", "ML", mods = ~ type,
         terms = list(facterm("type", sort(unique(mc$type)))),
         newmods = matrix(c(0, 0, 1, 0), ncol = 2, byrow = TRUE), esargs = c("ri", "ni"))

deb <- dat.debruin2009[, c("author", "xi", "ni")]; names(deb)[1] <- "study"
rma_case("local_debruin_plo_eb", "PLO, EB", "dat.debruin2009", deb, "PLO", "EB",
         esargs = c("xi", "ni"))
rma_case("local_debruin_pft_dl_t", "PFT, DL, t test", "dat.debruin2009", deb, "PFT", "DL",
         test = "t", control = NULL, esargs = c("xi", "ni"))

d <- dat.curtis1998[1:30, c("id", "m1i", "sd1i", "n1i", "m2i", "sd2i", "n2i")]
names(d)[1] <- "study"; d$study <- as.character(d$study)
escalc_case("local_curtis_escalc_rom", "ROM with vtypes HO and AV, CVR, VR",
  "dat.curtis1998", d,
  list(v("ROM", c("m1i","sd1i","n1i","m2i","sd2i","n2i"), "HO"),
       v("ROM", c("m1i","sd1i","n1i","m2i","sd2i","n2i"), "AV"),
       v("SMDH", c("m1i","sd1i","n1i","m2i","sd2i","n2i")),
       v("SMD", c("m1i","sd1i","n1i","m2i","sd2i","n2i"), "LS2")))

d <- dat.hart1999[, c("study", "x1i", "t1i", "x2i", "t2i")]
d$x2i[2] <- 0; d$x1i[2] <- 0  # a double-zero study
escalc_case("local_hart_escalc_rates_zero", "person-time measures with a double zero: to all/if0all, drop00",
  "dat.hart1999", d,
  list(v("IRR", c("x1i","t1i","x2i","t2i"), to = "all"), v("IRR", c("x1i","t1i","x2i","t2i"), drop00 = TRUE),
       v("IRD", c("x1i","t1i","x2i","t2i"), to = "if0all"), v("IRSD", c("x1i","t1i","x2i","t2i")),
       v("IRR", c("x1i","t1i","x2i","t2i"), add = 0)))

d <- dat.nielweise2007[, c("study", "ai", "n1i", "ci", "n2i")]
escalc_case("local_nielweise_escalc_peto_as", "PETO with drop00, AS (default add 0, and add 1), OR with to=none",
  "dat.nielweise2007", d,
  list(v("PETO", c("ai","n1i","ci","n2i"), drop00 = TRUE), v("AS", c("ai","n1i","ci","n2i")),
       v("AS", c("ai","n1i","ci","n2i"), add = 1),
       v("OR", c("ai","n1i","ci","n2i"), to = "none")))

bcg2 <- bcg; bcg2$ablat2 <- 2 * bcg2$ablat + 1
rma_case("local_bcg_rr_reml_redundant", "a moderator that is a linear combination of the others is dropped with a warning",
         "dat.bcg", bcg2, "RR", "REML", mods = ~ ablat + ablat2,
         terms = list(numterm("ablat"), numterm("ablat2")),
         newmods = matrix(c(20, 40), ncol = 1), esargs = ab)
