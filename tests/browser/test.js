// README: browser tests of svccertd's page; run `bash tests/browser/run.sh`
// as root (it makes the sandbox, starts the daemons and calls this file).
//
// test.js - drives src/web/ in Debian's headless Chromium (playwright-core,
// no browser download) against the real svccertd that run.sh started, and
// checks on the wire, with openssl s_client, what the daemons serve after
// each change made through the page.  Scenarios run in order and share one
// browser profile: each builds on the one before, as a person would.
//
// Environment (set by run.sh): BT_URL, BT_USER, BT_PASSWORD, BT_ROOT (the
// sandbox --root), BT_PKI (the throwaway CA), BT_ARTIFACTS, BT_SUMMARY.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const crypto = require('crypto');
const { execFileSync } = require('child_process');
const { chromium } = require('playwright-core');

const env = process.env;
const URL = env.BT_URL;
const PKI = env.BT_PKI;
const ROOT = env.BT_ROOT;
const ARTIFACTS = env.BT_ARTIFACTS;

// A change reloads a daemon and probes it: seconds, not milliseconds.
const CHANGE_MS = 90000;
const STEP_MS = 20000;

const ENDPOINTS = {
	exim: [[2525, 'smtp'], [4465, 'tls']],
	dovecot: [[1143, 'imap'], [1993, 'tls'], [1110, 'pop3'], [1995, 'tls']],
	'pure-ftpd': [[2121, 'ftp']],
};

const PEM_CERT = /-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/;

const FILES = {
	exim: 'etc/exim4/exim.crt',
	dovecot: 'etc/dovecot/dovecot.crt',
	'pure-ftpd': 'etc/pure-ftpd/pure-ftpd.pem',
};

// ---------------------------------------------------------------------
// Certificates in files and on the wire

function fileFingerprint(file) {
	const pem = fs.readFileSync(file, 'utf8');
	return new crypto.X509Certificate(pem.match(PEM_CERT)[0])
	    .fingerprint256;
}

function serviceFingerprint(service) {
	return fileFingerprint(path.join(ROOT, FILES[service]));
}

function servedFingerprint(port, protocol) {
	const args = ['s_client', '-connect', '127.0.0.1:' + port,
	    '-servername', 'mail.test'];
	if (protocol !== 'tls')
		args.push('-starttls', protocol);
	let out = '';
	try {
		out = execFileSync('openssl', args, { input: '', timeout: 15000,
		    stdio: ['pipe', 'pipe', 'ignore'] }).toString();
	} catch (e) {
		out = e.stdout ? e.stdout.toString() : '';
	}
	const block = out.match(PEM_CERT);
	return block ? new crypto.X509Certificate(block[0]).fingerprint256 : '';
}

function expectServed(service, fingerprint) {
	for (const [port, protocol] of ENDPOINTS[service]) {
		const got = servedFingerprint(port, protocol);
		check(got === fingerprint, service + ' ' + port + '/' +
		    protocol + ' serves ' + (got || 'nothing') +
		    ', expected ' + fingerprint);
	}
}

function pki(name) {
	return fs.readFileSync(path.join(PKI, name), 'utf8');
}

// ---------------------------------------------------------------------
// The harness

class Failure extends Error {}

function check(condition, message) {
	if (!condition)
		throw new Failure(message);
}

const results = { passed: 0, failed: 0, number: 0 };

async function scenario(name, body) {
	results.number++;
	try {
		await body();
		results.passed++;
		console.log('ok ' + results.number + ' - ' + name);
	} catch (e) {
		results.failed++;
		for (const line of String(e.stack || e).split('\n').slice(0, 6))
			console.log('#   ' + line);
		console.log('not ok ' + results.number + ' - ' + name);
		await shot(page, 'browser-failure-' + results.number + '.png');
	}
}

async function shot(p, name) {
	try {
		await p.screenshot({ path: path.join(ARTIFACTS, name),
		    fullPage: true });
	} catch (e) {
		console.log('# no screenshot ' + name + ': ' + e.message);
	}
}

// ---------------------------------------------------------------------
// Page helpers

let page;
const pageProblems = [];

function row(service) {
	return page.locator('#services-body tr[data-service="' + service +
	    '"]');
}

async function rowButton(service, test) {
	return row(service).locator('button[data-test="' + test + '"]');
}

async function tableServices() {
	return page.$$eval('#services-body tr', (rows) =>
	    rows.map((r) => r.dataset.service));
}

async function waitServed(services) {
	for (const s of services) {
		await page.waitForSelector('#services-body ' +
		    'tr[data-service="' + s + '"] ' +
		    '[data-test="served"]:not([data-served="pending"])',
		    { timeout: CHANGE_MS });
	}
}

async function resultItem(service) {
	return page.locator('#result-list li[data-service="' + service + '"]');
}

async function resultClose() {
	await page.click('#result-close');
	await page.waitForSelector('#result-dialog', { state: 'hidden' });
}

// Paste as a person does: the whole text at once, then an input event.
async function paste(selector, text) {
	await page.fill(selector, text);
}

// ---------------------------------------------------------------------
// The scenarios

async function testLogin() {
	await page.goto(URL + '/');
	await page.waitForSelector('#login-form', { state: 'visible' });
	check(await page.isHidden('#app-view'), 'the table shows before login');

	await page.fill('#login-user', env.BT_USER);
	await page.fill('#login-password', 'wrong-password');
	await page.click('#login-submit');
	await page.waitForSelector('#login-error', { state: 'visible' });
	check(await page.isVisible('#login-form'), 'a wrong password got in');

	await page.fill('#login-password', env.BT_PASSWORD);
	await page.press('#login-password', 'Enter');
	await page.waitForSelector('#app-view', { state: 'visible' });
	const who = await page.textContent('#session-user');
	check(who.includes(env.BT_USER), 'header says "' + who + '"');
	const stored = await page.evaluate(() => localStorage.length +
	    sessionStorage.length);
	check(stored === 0, 'the page put ' + stored + ' items in storage');
}

async function testTable() {
	const want = ['exim', 'dovecot', 'pure-ftpd', 'svccertd'];

	await page.waitForSelector('#services-body tr', { timeout: STEP_MS });
	const services = await tableServices();
	for (const s of want)
		check(services.includes(s), s + ' missing from ' + services);
	for (const s of want) {
		const domains = await row(s).locator('[data-test="domains"]')
		    .innerText();
		check(domains.trim() !== '', s + ': no domains');
		const days = Number(await row(s).locator('[data-test="expiry"]')
		    .getAttribute('data-days'));
		check(days > 30, s + ': ' + days + ' days left');
		const expiry = await row(s).locator('[data-test="expiry"]')
		    .innerText();
		check(/\d{4}-\d\d-\d\d/.test(expiry) &&
		    /days left/.test(expiry),
		    s + ': expiration reads "' + expiry + '"');
		const key = await row(s).locator('[data-test="key"]')
		    .innerText();
		check(/^(RSA|EC|ECDSA|Ed)/.test(key.trim()),
		    s + ': key reads "' + key + '"');
	}
	// the sandbox starts every mail and FTP daemon on a self-signed one
	for (const s of ['exim', 'dovecot', 'pure-ftpd']) {
		const domains = await row(s).locator('[data-test="domains"]')
		    .innerText();
		check(domains.includes('mail.test'),
		    s + ': domains ' + domains);
		const badges = await row(s)
		    .locator('[data-test="self-signed"]').count();
		check(badges === 1, s + ': no self-signed badge');
	}
	// amber under 30 days, red once expired
	const soon = row('soon').locator('[data-test="expiry"]');
	check(await soon.getAttribute('class') === 'expiry expiry-soon' &&
	    /^\d+ days left$/.test(await soon.locator('.days-left')
	    .innerText()), 'soon: ' + await soon.innerText());
	const stale = row('stale').locator('[data-test="expiry"]');
	check(await stale.getAttribute('class') === 'expiry expiry-expired' &&
	    /expired \d+ days ago/.test(await stale.innerText()),
	    'stale: ' + await stale.innerText());

	await waitServed(['exim', 'dovecot', 'pure-ftpd']);
	for (const s of ['exim', 'dovecot', 'pure-ftpd']) {
		const served = await row(s).locator('[data-test="served"]')
		    .getAttribute('data-served');
		check(served === 'ok', s + ': served badge says ' + served);
	}
	await shot(page, 'browser-table.png');
}

async function testPhone() {
	await page.setViewportSize({ width: 390, height: 844 });
	// cards, not a table squeezed sideways
	const wide = await page.evaluate(() =>
	    document.documentElement.scrollWidth);
	check(wide <= 390, 'the page is ' + wide + ' px wide on a phone');
	const display = await page.$eval('#services-body tr',
	    (r) => getComputedStyle(r).display);
	check(display === 'block', 'rows are display: ' + display);
	await shot(page, 'browser-table-phone.png');
	await page.setViewportSize({ width: 1280, height: 900 });
}

async function testDetails() {
	const button = await rowButton('exim', 'details');

	await button.click();
	await page.waitForSelector('#details-facts', { timeout: CHANGE_MS });
	const fp = await page.textContent('[data-test="details-fingerprint"]');
	check(fp === serviceFingerprint('exim'), 'details fingerprint ' + fp);
	check(await page.isVisible('[data-test="details-self-signed"]'),
	    'no self-signed warning');
	const chain = await page.$$eval('[data-test="details-chain"] li',
	    (items) => items.map((i) => i.textContent));
	check(chain.length >= 1 && /initial-exim/.test(chain[0]),
	    'chain reads ' + JSON.stringify(chain));
	const served = await page.$$eval('#details-served tbody tr',
	    (rows) => rows.map((r) => r.dataset.endpoint + '=' +
	    r.dataset.matches));
	check(served.join(' ') === '127.0.0.1:2525=1 127.0.0.1:4465=1',
	    'served endpoints ' + served.join(' '));
	await shot(page, 'browser-details.png');

	// keyboard: Escape closes, focus goes back to the button
	await page.keyboard.press('Escape');
	await page.waitForSelector('#details-dialog', { state: 'hidden' });
	const focused = await page.evaluate(() =>
	    document.activeElement.dataset.test + '/' +
	    document.activeElement.dataset.service);
	check(focused === 'details/exim', 'focus on ' + focused);
}

async function testReset() {
	const before = serviceFingerprint('pure-ftpd');

	await (await rowButton('pure-ftpd', 'reset')).click();
	await page.waitForSelector('#reset-dialog', { state: 'visible' });
	const text = await page.innerText('#reset-dialog');
	check(/self-signed/.test(text) && /history/.test(text) &&
	    /restored/.test(text) && /warn/.test(text),
	    'the confirmation does not explain the reset: ' + text);
	await page.click('#reset-confirm');
	await page.waitForSelector('#result-dialog', { state: 'visible',
	    timeout: CHANGE_MS });
	const item = await resultItem('pure-ftpd');
	check(await item.getAttribute('data-status') === 'ok',
	    'reset status ' + await item.getAttribute('data-status') + ': ' +
	    await page.innerText('#result-dialog'));
	check(await item.getAttribute('data-verified') === '1',
	    'reset not verified');
	check(/verified/.test(await item.innerText()), 'no verified text');
	await resultClose();

	const after = serviceFingerprint('pure-ftpd');
	check(after !== before, 'the file still holds the old certificate');
	expectServed('pure-ftpd', after);
}

async function testInstall() {
	const fp = fileFingerprint(path.join(PKI, 'a.crt'));

	await page.click('#install-open');
	await page.waitForSelector('#install', { state: 'visible' });
	check(await page.isDisabled('#browse-certificates') &&
	    await page.isDisabled('#autofill-certificate'),
	    'the next version\'s buttons are not disabled');
	await paste('#install-crt', pki('a.crt'));
	await paste('#install-key', pki('a.key'));
	await paste('#install-cabundle', pki('bundle.reversed.pem'));
	await page.check('#target-exim');
	await page.check('#target-dovecot');
	await page.waitForSelector('#validation[data-state="ok"]',
	    { timeout: STEP_MS });
	check(await page.isEnabled('#install-submit'), 'Install disabled');
	await shot(page, 'browser-install.png');

	await page.click('#install-submit');
	await page.waitForSelector('#result-dialog', { state: 'visible',
	    timeout: CHANGE_MS });
	for (const s of ['exim', 'dovecot']) {
		const item = await resultItem(s);
		check(await item.count() === 1, s + ': no result');
		check(await item.getAttribute('data-status') === 'ok' &&
		    await item.getAttribute('data-verified') === '1',
		    s + ': ' + await item.innerText());
	}
	await shot(page, 'browser-install-result.png');
	await resultClose();

	check(await page.inputValue('#install-key') === '',
	    'the key is still in its textarea');
	check(await page.isHidden('#install'), 'the form stays open');
	for (const s of ['exim', 'dovecot']) {
		await page.waitForFunction((svc) => {
			const r = document.querySelector(
			    'tr[data-service="' + svc + '"]');
			return r &&
			    !r.querySelector('[data-test="self-signed"]');
		}, s, { timeout: STEP_MS });
		expectServed(s, fp);
		check(serviceFingerprint(s) === fp, s + ': file not replaced');
	}
	await waitServed(['exim', 'dovecot']);
	check(await row('exim').locator('[data-test="served"]')
	    .getAttribute('data-served') === 'ok', 'exim: served badge');
}

// Dovecot reads its files only on a reload: new files without one leave
// it serving the old certificate, as after a half-done manual change.
async function testMismatch() {
	fs.writeFileSync(path.join(ROOT, 'etc/dovecot/dovecot.crt'),
	    pki('b.crt') + pki('int.crt'));
	fs.writeFileSync(path.join(ROOT, 'etc/dovecot/dovecot.key'),
	    pki('b.key'), { mode: 0o600 });
	await page.click('#refresh');
	await page.waitForSelector('#services-body ' +
	    'tr[data-service="dovecot"] ' +
	    '[data-test="served"][data-served="mismatch"]',
	    { timeout: CHANGE_MS });
	const badge = await row('dovecot').locator('[data-test="served"]')
	    .innerText();
	check(/another certificate/i.test(badge), 'badge reads ' + badge);
	check(await row('exim').locator('[data-test="served"]')
	    .getAttribute('data-served') === 'ok', 'exim marked too');

	await (await rowButton('dovecot', 'details')).click();
	await page.waitForSelector('#details-served', { timeout: CHANGE_MS });
	const matches = await page.$$eval('#details-served tbody tr',
	    (rows) => rows.map((r) => r.dataset.matches));
	check(matches.length === 4 && matches.every((m) => m === '0'),
	    'dovecot endpoints match: ' + matches.join(' '));
	await page.click('#details-close');
	await page.waitForSelector('#details-dialog', { state: 'hidden' });
}

async function testWrongPaste() {
	await page.click('#install-open');
	await paste('#install-crt', pki('a.crt'));
	await paste('#install-key', pki('b.key'));
	await page.check('#target-pure-ftpd');
	await page.waitForSelector('#validation[data-state="error"]',
	    { timeout: STEP_MS });
	const codes = await page.$$eval(
	    '#validation-findings li[data-severity="error"]',
	    (items) => items.map((i) => i.dataset.code));
	check(codes.length > 0, 'no error finding for a key that does not fit');
	check(await page.isDisabled('#install-submit'),
	    'Install enabled for a key that does not fit');

	// typing on changes the verdict live
	await paste('#install-crt', 'not a certificate');
	await page.waitForFunction(() => {
		const v = document.getElementById('validation');
		return v.dataset.state === 'error' &&
		    document.querySelectorAll('#validation-findings li').length;
	}, null, { timeout: STEP_MS });
	check(await page.isDisabled('#install-submit'),
	    'Install enabled for garbage');
	await shot(page, 'browser-wrong-paste.png');
	await page.click('#install-cancel');
	check(await page.isHidden('#install'), 'Cancel left the form open');
	check(await page.inputValue('#install-key') === '',
	    'Cancel left the key in its textarea');
}

async function testApply() {
	const fp = serviceFingerprint('exim');

	await (await rowButton('exim', 'apply')).click();
	await page.waitForSelector('#install-apply-fields',
	    { state: 'visible' });
	check(await page.locator('#target-exim').count() === 0,
	    'exim offered as its own target');
	const shown = await page.inputValue('#apply-crt');
	check(shown.includes('BEGIN CERTIFICATE') &&
	    !/PRIVATE KEY/.test(shown), 'apply shows ' + shown.slice(0, 40));
	// exim holds a.key since the install
	const keyLine = pki('a.key').split('\n')[1];
	check(!(await page.content()).includes(keyLine),
	    'exim\'s private key is on the page');
	await page.check('#target-pure-ftpd');
	await page.click('#install-submit');
	await page.waitForSelector('#result-dialog', { state: 'visible',
	    timeout: CHANGE_MS });
	const item = await resultItem('pure-ftpd');
	check(await item.getAttribute('data-status') === 'ok' &&
	    await item.getAttribute('data-verified') === '1',
	    'pure-ftpd: ' + await item.innerText());
	await resultClose();
	expectServed('pure-ftpd', fp);
}

/*
 * The page's own API calls in flight.  Playwright's "networkidle" is
 * about the page load only, not later fetches, so count them here.
 */
let apiInFlight = 0;

function trackApiRequests(p) {
	const isApi = (request) => /\/json-api\//.test(request.url());

	p.on('request', (r) => { if (isApi(r)) apiInFlight++; });
	p.on('requestfinished', (r) => { if (isApi(r)) apiInFlight--; });
	p.on('requestfailed', (r) => { if (isApi(r)) apiInFlight--; });
}

// No API call in flight for a while: the page has settled.
async function apiQuiet() {
	const deadline = Date.now() + CHANGE_MS;
	let quietSince = Date.now();

	while (Date.now() < deadline) {
		if (apiInFlight > 0)
			quietSince = Date.now();
		else if (Date.now() - quietSince >= 500)
			return;
		await new Promise((done) => setTimeout(done, 50));
	}
	throw new Error('the page kept calling the API for ' + CHANGE_MS +
	    ' ms');
}

async function testSessionLost() {
	// The previous change reloads the table and probes every endpoint in
	// the background; a 401 on one of those would show the login before
	// the click below.  Let them finish first.
	await apiQuiet();
	// as when the session times out on the server
	await page.context().clearCookies();
	await page.click('#refresh');
	await page.waitForSelector('#login-form', { state: 'visible' });
	const message = await page.innerText('#login-error');
	check(/session has ended/.test(message), 'login says ' + message);
	check(await page.locator('#services-body tr').count() === 0,
	    'the table stays behind the login form');
	await page.fill('#login-user', env.BT_USER);
	await page.fill('#login-password', env.BT_PASSWORD);
	await page.click('#login-submit');
	await page.waitForSelector('#services-body tr');
}

async function testLogout() {
	await page.click('#logout');
	await page.waitForSelector('#login-form', { state: 'visible' });
	check(await page.isHidden('#app-view'), 'the table stays after logout');
	// the cookie must be dead on the server too, not only forgotten
	await page.reload();
	await page.waitForSelector('#login-form', { state: 'visible' });
	check(await page.isHidden('#app-view'), 'a reload got back in');
}

async function testReseller() {
	await page.fill('#login-user', env.BT_RESELLER);
	await page.fill('#login-password', env.BT_PASSWORD);
	await page.click('#login-submit');
	await page.waitForSelector('#forbidden-view', { state: 'visible' });
	const reason = await page.innerText('#forbidden-reason');
	check(reason.trim() !== '', 'no reason shown');
	check(await page.isHidden('#app-view') &&
	    await page.locator('#services-body tr').count() === 0,
	    'a reseller without the privilege sees the services');
	await page.click('#logout');
	await page.waitForSelector('#login-form', { state: 'visible' });
}

async function testClean() {
	check(pageProblems.length === 0, pageProblems.join('; '));
}

// ---------------------------------------------------------------------

async function main() {
	const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'svccert-pw-'));
	const context = await chromium.launchPersistentContext(profile, {
	    executablePath: '/usr/bin/chromium', headless: true,
	    ignoreHTTPSErrors: true, timeout: 60000,
	    viewport: { width: 1280, height: 900 },
	    args: ['--headless', '--no-sandbox', '--disable-gpu',
	    '--disable-quic', '--no-first-run',
	    '--disable-background-networking', '--disable-component-update',
	    '--disable-sync'] });

	page = context.pages()[0] || await context.newPage();
	page.setDefaultTimeout(STEP_MS);
	// a CSP refusal or a script error shows in the console, not the page
	page.on('pageerror', (e) => pageProblems.push('page error: ' +
	    e.message));
	trackApiRequests(page);
	page.on('console', (m) => {
		if (m.type() === 'error' &&
		    !/status of 40[0139]/.test(m.text()))
			pageProblems.push('console: ' + m.text() + ' (' +
			    m.location().url + ')');
	});

	await scenario('log in (a wrong password first)', testLogin);
	await scenario('the table: four services, domains, expiry, key',
	    testTable);
	await scenario('the table as cards on a 390 px phone', testPhone);
	await scenario('certificate details of exim', testDetails);
	await scenario('reset pure-ftpd, verified on the wire', testReset);
	await scenario('install a pasted certificate on exim and dovecot',
	    testInstall);
	await scenario('a daemon serving another certificate is marked',
	    testMismatch);
	await scenario('a wrong paste: errors live, Install disabled',
	    testWrongPaste);
	await scenario('apply exim\'s certificate to pure-ftpd', testApply);
	await scenario('a 401 sends the page back to the login',
	    testSessionLost);
	await scenario('log out', testLogout);
	await scenario('a reseller without the privilege sees why, only',
	    testReseller);
	await scenario('no script errors or CSP refusals', testClean);

	await context.close();
	fs.rmSync(profile, { recursive: true, force: true });
}

main().catch((e) => {
	console.log('# ' + (e.stack || e));
	results.failed++;
}).finally(() => {
	console.log(results.passed + ' passed, ' + results.failed + ' failed');
	fs.writeFileSync(env.BT_SUMMARY, results.passed + ' ' +
	    results.failed + '\n');
	process.exitCode = results.failed ? 1 : 0;
});
