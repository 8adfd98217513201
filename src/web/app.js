/*
 * app.js - the behaviour of svccertd's panel page: log in, list each
 * service's certificate, show details, reset, apply and install.
 *
 * It talks only to svccertd's JSON API (docs/api.md) on the same origin.
 * The CSRF token is held in a variable, never in storage, so that it ends
 * with the page.  A pasted private key lives only in its textarea and in
 * the body of the POST that carries it, and the textarea is emptied after
 * the install.  Everything received is put on the page as text
 * (textContent), never as markup.
 */
'use strict';

(function () {

const VALIDATE_DELAY_MS = 400;
const SOON_DAYS = 30;
const DAY_MS = 86400000;

const state = {
	csrf: null,
	user: null,
	services: [],
	served: {},             /* service name -> svccert_service_details */
	openers: new Map(),     /* dialog -> the element that opened it */
	installMode: 'new',
	applySource: null,
	running: false,
	validateTimer: null,
	validateSeq: 0,
	validation: null,
};

/* Thrown after a 401 or 403 so that callers stop where they are. */
class Interrupted extends Error {}

function $(id) {
	return document.getElementById(id);
}

/*
 * el('li', {class: 'x', 'data-code': c}, child...): children are nodes or
 * strings, and strings become text, so data can never become markup.
 */
function el(tag, props, ...children) {
	const node = document.createElement(tag);

	for (const [name, value] of Object.entries(props || {})) {
		if (value === null || value === undefined || value === false)
			continue;
		if (name === 'class')
			node.className = value;
		else if (name === 'text')
			node.textContent = value;
		else
			node.setAttribute(name, value === true ? '' : value);
	}
	for (const child of children.flat()) {
		if (child === null || child === undefined || child === false)
			continue;
		node.append(child);
	}
	return node;
}

function clear(node) {
	node.replaceChildren();
	return node;
}

/* ------------------------------------------------------------------ */
/* Talking to svccertd */

/*
 * A JSON answer whatever happened, so that every caller reads one shape:
 * an answer that is not JSON (a proxy's error page) becomes an envelope
 * whose reason names the HTTP status.
 */
async function readEnvelope(response) {
	let body = null;

	try {
		body = await response.json();
	} catch (e) {
		body = null;
	}
	if (!body || typeof body !== 'object' || !body.metadata) {
		body = { metadata: { result: 0, code: 'internal',
		    reason: 'svccertd answered HTTP ' + response.status +
		    ' without a JSON answer; see its log.' }, data: null };
	}
	return { http: response.status, meta: body.metadata,
	    data: body.data || {} };
}

async function send(url, method, params) {
	const init = { method: method, credentials: 'same-origin',
	    cache: 'no-store', headers: { 'Accept': 'application/json' } };

	if (method === 'POST') {
		init.headers['Content-Type'] =
		    'application/x-www-form-urlencoded';
		init.body = new URLSearchParams(params || {}).toString();
		/* the session cookie alone must not be enough to change
		   anything: a cross-site form cannot set this header */
		if (state.csrf)
			init.headers['X-CSRF-Token'] = state.csrf;
	}
	let response;
	try {
		response = await fetch(url, init);
	} catch (e) {
		return { http: 0, data: {}, meta: { result: 0,
		    code: 'unreachable', reason: 'svccertd did not answer; ' +
		    'check that it is running and reload the page.' } };
	}
	return readEnvelope(response);
}

/* A json-api call; a 401 anywhere sends the user back to the login. */
async function api(fn, method, params) {
	let url = '/json-api/' + fn + '?api.version=1';

	if (method === 'GET' && params)
		url += '&' + new URLSearchParams(params).toString();
	const answer = await send(url, method,
	    method === 'POST' ? params : null);
	/*
	 * Reads run in parallel, so several 401s may come: the first one
	 * ends the session, the others must not blank its message.  A first
	 * visit without a session is no news.
	 */
	if (answer.http === 401) {
		if (state.user)
			sessionEnd('Your session has ended. Log in again.');
		else if ($('login-view').hidden)
			sessionEnd('');
		throw new Interrupted();
	}
	/* a privilege taken away while the page is open; a missing CSRF
	   token is the page's fault and shows as an ordinary failure */
	if (answer.http === 403 && answer.meta.code !== 'csrf') {
		forbiddenShow(answer.meta.reason);
		throw new Interrupted();
	}
	return answer;
}

function ok(answer) {
	return answer.http === 200 && Number(answer.meta.result) === 1;
}

/* ------------------------------------------------------------------ */
/* Views, alerts and dialogs */

function viewShow(name) {
	$('login-view').hidden = name !== 'login';
	$('forbidden-view').hidden = name !== 'forbidden';
	$('app-view').hidden = name !== 'app';
	$('session-bar').hidden = name === 'login';
}

function alertShow(message) {
	const box = $('alert');

	box.textContent = message || '';
	box.hidden = !message;
}

function dialogOpen(dialog, opener) {
	state.openers.set(dialog, opener || document.activeElement);
	if (!dialog.open)
		dialog.showModal();
}

function dialogsCloseAll() {
	for (const dialog of document.querySelectorAll('dialog[open]'))
		dialog.close();
}

/*
 * Back to where the user was, so keyboard users do not start over.  The
 * table is drawn again after a change, so a row's button is found anew by
 * its service and role.
 */
function dialogClosed(event) {
	let opener = state.openers.get(event.target);

	state.openers.delete(event.target);
	if (!opener || document.querySelector('dialog[open]'))
		return;
	if (!document.contains(opener) && opener.dataset.service) {
		opener = document.querySelector('button[data-service="' +
		    CSS.escape(opener.dataset.service) + '"][data-test="' +
		    opener.dataset.test + '"]');
	}
	if (opener && !opener.disabled)
		opener.focus();
}

/* ------------------------------------------------------------------ */
/* Sessions */

function sessionStart(user, csrf) {
	state.user = user;
	state.csrf = csrf || state.csrf;
	$('session-user').textContent = user ? 'Logged in as ' + user : '';
}

/* Forget everything the session showed, the paste fields included. */
function sessionEnd(message) {
	state.csrf = null;
	state.user = null;
	state.services = [];
	state.served = {};
	dialogsCloseAll();
	installClose(false);
	clear($('services-body'));
	clear($('notices'));
	alertShow('');
	loginShow(message);
}

function loginShow(message) {
	const error = $('login-error');

	viewShow('login');
	error.textContent = message || '';
	error.hidden = !message;
	$('login-password').value = '';
	$('login-user').focus();
}

async function loginSubmit(event) {
	event.preventDefault();
	const user = $('login-user').value.trim();
	const password = $('login-password').value;

	if (!user || !password) {
		loginShow('Enter your user name and password.');
		return;
	}
	$('login-submit').disabled = true;
	const answer = await send('/login', 'POST',
	    { user: user, password: password });
	$('login-submit').disabled = false;
	$('login-password').value = '';
	if (!ok(answer)) {
		loginShow(answer.http === 401 ?
		    'Wrong user name or password.' : answer.meta.reason);
		return;
	}
	sessionStart(answer.data.user || user, answer.data.csrf_token);
	await whoamiCheck();
}

async function logout() {
	if (state.csrf)
		await send('/logout', 'POST', {});
	sessionEnd('You are logged out.');
}

/*
 * The page may be loaded with a session cookie still valid; whoami tells
 * who it belongs to and hands the CSRF token again.  A reseller without
 * the privilege sees why and nothing else: whoami answers 403 for them,
 * or lists no service-ssl privilege.
 */
async function whoamiCheck() {
	const answer = await api('svccert_whoami', 'GET');
	const data = answer.data;

	if (!ok(answer)) {
		loginShow(answer.meta.reason);
		return;
	}
	sessionStart(data.user, data.csrf_token);
	if (!(data.privileges || []).includes('service-ssl')) {
		forbiddenShow('The account ' + data.user + ' is a ' +
		    (data.role || 'user') + ' without the service-ssl ' +
		    'privilege, which managing service certificates takes.');
		return;
	}
	viewShow('app');
	await pageLoad();
}

function forbiddenShow(reason) {
	dialogsCloseAll();
	installClose(false);
	clear($('services-body'));
	clear($('notices'));
	$('forbidden-reason').textContent = reason;
	viewShow('forbidden');
}

/* ------------------------------------------------------------------ */
/* Formatting */

function daysLeft(notAfter) {
	return Math.floor((notAfter * 1000 - Date.now()) / DAY_MS);
}

/* ISO dates (UTC) read the same to every administrator. */
function dateText(seconds) {
	return new Date(seconds * 1000).toISOString().slice(0, 10);
}

function daysText(days) {
	if (days < 0)
		return 'expired ' + (-days) + (days === -1 ? ' day' : ' days') +
		    ' ago';
	if (days === 0)
		return 'expires today';
	return days + (days === 1 ? ' day' : ' days') + ' left';
}

function expiryClass(days) {
	if (days < 0)
		return 'expiry expiry-expired';
	if (days < SOON_DAYS)
		return 'expiry expiry-soon';
	return 'expiry';
}

function expiryNode(info) {
	const days = daysLeft(info.not_after);
	const when = new Date(info.not_after * 1000).toISOString();

	return el('span', { class: expiryClass(days), 'data-test': 'expiry',
	    'data-days': String(days) },
	    el('time', { datetime: when, title: when,
	    text: dateText(info.not_after) }),
	    el('span', { class: 'days-left', text: daysText(days) }));
}

function keyText(info) {
	if (info.key_type)
		return info.key_type;
	if (info.ecdsa_curve_name)
		return 'ECDSA ' + info.ecdsa_curve_name;
	return (info.key_algorithm || '') + ' ' + (info.modulus_length || '');
}

function issuerText(issuer) {
	if (!issuer)
		return '';
	if (typeof issuer === 'string')
		return issuer;
	const parts = [];
	if (issuer.commonName)
		parts.push(issuer.commonName);
	if (issuer.organizationName)
		parts.push(issuer.organizationName);
	for (const [name, value] of Object.entries(issuer)) {
		if (name !== 'commonName' && name !== 'organizationName')
			parts.push(name + '=' + value);
	}
	return parts.join(', ');
}

function domainsOf(info) {
	const domains = info.domains_unicode && info.domains_unicode.length ?
	    info.domains_unicode : info.domains;
	return domains || [];
}

function serviceLabel(name) {
	const svc = state.services.find((s) => s.service === name);

	return svc ? (svc.label || svc.service_description || name) : name;
}

/* ------------------------------------------------------------------ */
/* Notices and the service table */

async function pageLoad() {
	alertShow('');
	await Promise.all([noticesLoad(), servicesLoad()]);
	await servedLoadAll();
}

async function noticesLoad() {
	const answer = await api('svccert_notices', 'GET');
	const list = clear($('notices'));

	if (!ok(answer)) {
		alertShow(answer.meta.reason);
		return;
	}
	for (const notice of answer.data.notices || []) {
		const level = notice.level || 'info';
		list.append(el('li', { class: 'notice notice-' + level,
		    'data-level': level, 'data-service': notice.service },
		    notice.service ?
		    el('strong',
		    { text: serviceLabel(notice.service) + ': ' }) :
		    null, notice.message));
	}
	list.hidden = list.children.length === 0;
}

async function servicesLoad() {
	$('services-status').textContent = 'Loading the services...';
	const answer = await api('fetch_service_ssl_components', 'GET');

	if (!ok(answer)) {
		$('services-status').textContent = '';
		alertShow(answer.meta.reason);
		return;
	}
	state.services = answer.data.services || [];
	state.served = {};
	$('services-status').textContent = state.services.length ? '' :
	    'No services are defined.';
	servicesRender();
}

function servicesRender() {
	const body = clear($('services-body'));

	for (const svc of state.services)
		body.append(serviceRow(svc));
}

function serviceRow(svc) {
	const info = svc.certificate_info;
	const name = svc.service;

	return el('tr', { 'data-service': name },
	    el('td', { 'data-label': 'Service', class: 'cell-service' },
	    el('span', { class: 'service-label',
	    text: svc.label || svc.service_description || name }),
	    el('span', { class: 'service-name', text: name }),
	    el('span', { class: 'badges' },
	    info && Number(info.is_self_signed) ?
	    el('span', { class: 'badge badge-warn', 'data-test': 'self-signed',
	    title: 'Not issued by a certificate authority: clients warn',
	    text: 'Self-signed' }) : null,
	    servedBadge(name))),
	    el('td', { 'data-label': 'Certificate Domains',
	    'data-test': 'domains' }, domainsNode(svc)),
	    el('td', { 'data-label': 'Certificate Expiration' },
	    info ? expiryNode(info) : '-'),
	    el('td', { 'data-label': 'Certificate Key', 'data-test': 'key',
	    text: info ? keyText(info) : '-' }),
	    el('td', { 'data-label': 'Actions' },
	    el('div', { class: 'actions' }, rowActions(svc))));
}

function domainsNode(svc) {
	const info = svc.certificate_info;

	if (!info) {
		const problem = svc.problem || {};
		return el('span', { class: 'problem', 'data-test': 'problem',
		    text: problem.message || 'No readable certificate.' });
	}
	return el('ul', { class: 'domains' },
	    domainsOf(info).map((d) => el('li', { text: d })));
}

function rowActions(svc) {
	const name = svc.service;
	const reset = el('button', { type: 'button', 'data-test': 'reset',
	    'data-service': name,
	    'aria-label': 'Reset Certificate of ' + name,
	    text: 'Reset Certificate' });
	const details = el('button', { type: 'button', 'data-test': 'details',
	    'data-service': name,
	    'aria-label': 'Certificate Details of ' + name,
	    text: 'Certificate Details' });
	const apply = el('button', { type: 'button', 'data-test': 'apply',
	    'data-service': name,
	    'aria-label': 'Apply the certificate of ' + name +
	    ' to another service',
	    disabled: !svc.certificate_info,
	    text: 'Apply Certificate to Another Service' });

	reset.addEventListener('click', () => resetOpen(name, reset));
	details.addEventListener('click', () => detailsOpen(name, details));
	apply.addEventListener('click', () => installOpen('apply', name));
	return [reset, details, apply];
}

/* ------------------------------------------------------------------ */
/* What each daemon serves, compared with its files */

function servedState(details) {
	const served = details.served || [];

	if (!details.certificate_info || served.length === 0)
		return null;
	if (served.every((s) => Number(s.matches) === 1))
		return 'ok';
	return served.some((s) => s.fingerprint && !Number(s.matches)) ?
	    'mismatch' : 'unreachable';
}

function servedBadge(name) {
	const details = state.served[name];
	const badge = el('span', { class: 'badge badge-pending',
	    'data-test': 'served', 'data-served': 'pending',
	    text: 'Checking...' });

	if (details)
		servedBadgeSet(badge, details);
	return badge;
}

function servedBadgeSet(badge, details) {
	const look = {
		ok: ['badge-ok', 'Served', 'Every endpoint serves the ' +
		    'installed certificate'],
		mismatch: ['badge-bad', 'Serves another certificate',
		    'An endpoint serves a certificate other than the ' +
		    'installed one: see Certificate Details'],
		unreachable: ['badge-bad', 'Not serving TLS', 'An endpoint ' +
		    'did not complete a TLS handshake: see Certificate ' +
		    'Details'],
	};
	const which = servedState(details);

	badge.hidden = which === null;
	if (which === null)
		return;
	badge.className = 'badge ' + look[which][0];
	badge.dataset.served = which;
	badge.textContent = look[which][1];
	badge.title = look[which][2];
}

async function servedLoadAll() {
	await Promise.all(state.services.map((s) => servedLoad(s.service)));
}

/* Each service is probed on its own so that a slow one shows last. */
async function servedLoad(name) {
	const answer = await api('svccert_service_details', 'GET',
	    { service: name });
	const badge = document.querySelector('tr[data-service="' +
	    CSS.escape(name) + '"] [data-test="served"]');

	if (!ok(answer)) {
		if (badge)
			badge.hidden = true;
		return null;
	}
	state.served[name] = answer.data;
	if (badge)
		servedBadgeSet(badge, answer.data);
	return answer.data;
}

/* ------------------------------------------------------------------ */
/* Certificate details */

async function detailsOpen(name, opener) {
	const dialog = $('details-dialog');

	$('details-title').textContent = 'Certificate Details: ' +
	    serviceLabel(name);
	$('details-status').textContent =
	    'Checking what each endpoint serves...';
	clear($('details-body'));
	dialog.dataset.service = name;
	dialogOpen(dialog, opener);

	const details = await servedLoad(name);
	if (dialog.dataset.service !== name)
		return;
	$('details-status').textContent = details ? '' :
	    'The details of ' + name + ' could not be read.';
	if (details)
		$('details-body').append(...detailsRender(details));
}

function fact(list, term, ...value) {
	list.append(el('dt', { text: term }), el('dd', {}, ...value));
}

function detailsRender(svc) {
	const info = svc.certificate_info;
	const list = el('dl', { class: 'facts', id: 'details-facts' });

	if (!info) {
		fact(list, 'Certificate', el('span', { class: 'problem',
		    text: (svc.problem || {}).message ||
		    'No readable certificate.' }));
		return [list, servedTable(svc.served || [])];
	}
	fact(list, 'Domains', el('ul', { class: 'domains',
	    'data-test': 'details-domains' },
	    domainsOf(info).map((d) => el('li', { text: d }))));
	fact(list, 'Subject', info.subject || '');
	fact(list, 'Issuer', el('span', { 'data-test': 'details-issuer',
	    text: issuerText(info.issuer) }),
	    Number(info.is_self_signed) ? el('p', { class: 'warning',
	    'data-test': 'details-self-signed', text: 'This certificate is ' +
	    'self-signed: no certificate authority vouches for it, so mail, ' +
	    'FTP and browser clients warn about it.' }) : null);
	fact(list, 'Key', el('span', { 'data-test': 'details-key',
	    text: keyText(info) }));
	fact(list, 'Valid from', dateText(info.not_before));
	fact(list, 'Expires', expiryNode(info));
	fact(list, 'SHA-256 fingerprint', el('code', { class: 'fingerprint',
	    'data-test': 'details-fingerprint',
	    text: info.fingerprint_sha256 || '' }));
	fact(list, 'Chain', chainList(svc.chain || [], 'details-chain'));
	if (svc.last_change)
		fact(list, 'Last change', lastChangeText(svc.last_change));
	return [list, servedTable(svc.served || [])];
}

function chainList(chain, test) {
	return el('ol', { class: 'chain', 'data-test': test },
	    chain.map((c) => el('li', { text: c.name || c.subject || '' })));
}

function lastChangeText(change) {
	return change.action + ' by ' + change.user + ' on ' +
	    dateText(change.time) + ' (' + change.result + ')';
}

function servedTable(served) {
	const rows = served.map((s) => el('tr', {
	    'data-endpoint': s.host + ':' + s.port,
	    'data-matches': String(Number(s.matches)) },
	    el('td', { text: s.host + ':' + s.port }),
	    el('td', { text: s.protocol }),
	    el('td', { class: Number(s.matches) ? 'serves-ok' : 'serves-bad',
	    text: servedText(s) })));

	return el('section', { class: 'served' },
	    el('h3', { text: 'What each endpoint serves' }),
	    el('table', { id: 'details-served', class: 'served-table' },
	    el('thead', {}, el('tr', {},
	    el('th', { scope: 'col', text: 'Endpoint' }),
	    el('th', { scope: 'col', text: 'Protocol' }),
	    el('th', { scope: 'col', text: 'Serves' }))),
	    el('tbody', {}, rows)));
}

function servedText(s) {
	if (Number(s.matches))
		return 'the installed certificate';
	if (s.problem)
		return s.problem;
	return 'another certificate: ' + (s.fingerprint || 'unknown');
}

/* ------------------------------------------------------------------ */
/* Reset to a self-signed certificate */

function resetOpen(name, opener) {
	const dialog = $('reset-dialog');

	dialog.dataset.service = name;
	$('reset-service').textContent = serviceLabel(name) + ' (' + name +
	    ')';
	$('reset-confirm').disabled = false;
	dialogOpen(dialog, opener);
	$('reset-cancel').focus();
}

async function resetConfirm() {
	const name = $('reset-dialog').dataset.service;
	const opener = state.openers.get($('reset-dialog'));

	$('reset-confirm').disabled = true;
	const answer = await changeRun('reset_service_ssl_certificate',
	    { service: name });
	$('reset-dialog').close();
	resultShow('Reset Certificate: ' + serviceLabel(name), answer,
	    opener);
	await pageLoad();
}

/* ------------------------------------------------------------------ */
/* Install a new certificate, or apply one service's to others */

function installOpen(mode, source) {
	state.installMode = mode;
	state.applySource = source || null;
	$('install-new-fields').hidden = mode !== 'new';
	$('install-apply-fields').hidden = mode !== 'apply';
	$('install').dataset.mode = mode;
	$('install-status').textContent = '';
	if (mode === 'new') {
		$('install-title').textContent = 'Install a New Certificate';
		$('install-targets-legend').textContent =
		    'Install on these services';
		validationReset();
	} else {
		installApplyFill(source);
	}
	installTargetsFill(source);
	installButtonUpdate();
	$('install').hidden = false;
	$('install').scrollIntoView({ block: 'start' });
	$('install-title').focus();
}

/* The source's certificate only: its key is copied on the server. */
function installApplyFill(source) {
	const svc = state.services.find((s) => s.service === source) || {};
	const info = svc.certificate_info || {};
	const list = clear($('apply-summary'));

	$('install-title').textContent = 'Apply the Certificate of ' +
	    serviceLabel(source) + ' to Another Service';
	$('install-targets-legend').textContent = 'Apply to these services';
	$('apply-source-label').textContent = serviceLabel(source);
	$('apply-crt').value = svc.certificate || '';
	$('apply-cabundle').value = svc.cabundle || '';
	fact(list, 'Domains', domainsOf(info).join(', '));
	fact(list, 'Issuer', issuerText(info.issuer));
	fact(list, 'Key', info.not_after ? keyText(info) : '');
	fact(list, 'Expires', info.not_after ? expiryNode(info) : '');
}

function installTargetsFill(source) {
	const box = clear($('install-services'));

	for (const svc of state.services) {
		if (svc.service === source)
			continue;
		const id = 'target-' + svc.service;
		const input = el('input', { type: 'checkbox', id: id,
		    value: svc.service, 'data-service': svc.service });
		input.addEventListener('change', installTargetsChanged);
		box.append(el('div', { class: 'target' }, input,
		    el('label', { for: id },
		    svc.label || svc.service_description || svc.service,
		    el('span', { class: 'service-name', text: svc.service }))));
	}
}

function installTargets() {
	return Array.from(document.querySelectorAll(
	    '#install-services input:checked'), (i) => i.value);
}

function installTargetsChanged() {
	/* host names are judged against the chosen services */
	if (state.installMode === 'new')
		validationSchedule();
	installButtonUpdate();
}

function installButtonUpdate() {
	let ready = !state.running && installTargets().length > 0;

	if (state.installMode === 'new') {
		ready = ready && state.validation !== null &&
		    Number(state.validation.ok) === 1;
	}
	$('install-submit').disabled = !ready;
}

/* The key must not outlive the form it was pasted into. */
function installFieldsClear() {
	for (const id of ['install-crt', 'install-key', 'install-cabundle'])
		$(id).value = '';
	$('apply-crt').value = '';
	$('apply-cabundle').value = '';
}

function installClose(focusBack) {
	clearTimeout(state.validateTimer);
	state.validateSeq++;
	installFieldsClear();
	validationReset();
	$('install').hidden = true;
	if (focusBack)
		$('install-open').focus();
}

async function installSubmit() {
	const targets = installTargets();
	let answer;
	let title;

	if (state.installMode === 'apply') {
		title = 'Apply the Certificate of ' +
		    serviceLabel(state.applySource);
		answer = await changeRun('svccert_apply',
		    { from: state.applySource, to: targets.join(',') });
	} else {
		title = 'Install a New Certificate';
		answer = await changeRun('svccert_install', {
		    services: targets.join(','),
		    crt: $('install-crt').value,
		    key: $('install-key').value,
		    cabundle: $('install-cabundle').value });
		$('install-key').value = '';
	}
	if (answer.http === 200)
		installClose(false);
	else
		validationSchedule();
	resultShow(title, answer, $('install-open'));
	await pageLoad();
}

/* ------------------------------------------------------------------ */
/* Live validation of the paste */

function validationReset() {
	state.validation = null;
	$('validation-status').textContent = '';
	$('validation').dataset.state = 'empty';
	clear($('validation-findings'));
	clear($('validation-summary')).hidden = true;
}

/* Wait for a pause in typing: one dry run per paste, not per key. */
function validationSchedule() {
	clearTimeout(state.validateTimer);
	state.validateSeq++;
	state.validation = null;
	installButtonUpdate();
	if (!validationInput()) {
		validationReset();
		return;
	}
	$('validation').dataset.state = 'pending';
	$('validation-status').textContent = 'Checking...';
	state.validateTimer = setTimeout(validationRun, VALIDATE_DELAY_MS);
}

function validationInput() {
	return ['install-crt', 'install-key', 'install-cabundle']
	    .some((id) => $(id).value.trim() !== '');
}

async function validationRun() {
	const seq = ++state.validateSeq;
	const answer = await api('svccert_validate', 'POST', {
	    crt: $('install-crt').value, key: $('install-key').value,
	    cabundle: $('install-cabundle').value,
	    service: installTargets().join(',') });

	/* an answer to an older paste says nothing about this one */
	if (seq !== state.validateSeq || $('install').hidden)
		return;
	if (answer.http !== 200) {
		validationRender({ ok: 0, findings: [{ severity: 'error',
		    code: answer.meta.code, message: answer.meta.reason }] });
		return;
	}
	validationRender(answer.data);
}

function validationRender(result) {
	const findings = result.findings || [];
	const list = clear($('validation-findings'));
	const good = Number(result.ok) === 1;

	state.validation = result;
	$('validation').dataset.state = good ? 'ok' : 'error';
	$('validation-status').textContent = good ?
	    (findings.length ? 'Can be installed; read the warnings.' :
	    'The certificate, key and bundle fit together.') :
	    'Cannot be installed: correct the errors below.';
	for (const f of findings)
		list.append(findingItem(f));
	validationSummary(result);
	installButtonUpdate();
}

function findingItem(f) {
	const severity = f.severity === 'error' ? 'error' : 'warning';

	return el('li', { class: 'finding finding-' + severity,
	    'data-severity': severity, 'data-code': f.code },
	    el('span', { class: 'severity',
	    text: severity === 'error' ? 'Error' : 'Warning' }),
	    el('code', { class: 'code', text: f.code || '' }),
	    el('span', { class: 'message', text: f.message || '' }));
}

function validationSummary(result) {
	const info = result.certificate_info;
	const list = clear($('validation-summary'));

	list.hidden = !info;
	if (!info)
		return;
	fact(list, 'Domains', domainsOf(info).join(', '));
	fact(list, 'Issuer', issuerText(info.issuer));
	fact(list, 'Key', keyText(info));
	fact(list, 'Expires', expiryNode(info));
	if (result.chain && result.chain.length)
		fact(list, 'Chain',
		    chainList(result.chain, 'validation-chain'));
}

/* ------------------------------------------------------------------ */
/* Changes and their results */

/* One change at a time from this page; svccertd refuses more anyway. */
async function changeRun(fn, params) {
	state.running = true;
	installButtonUpdate();
	$('install-status').textContent = 'Working...';
	try {
		return await api(fn, 'POST', params);
	} finally {
		state.running = false;
		$('install-status').textContent = '';
		installButtonUpdate();
	}
}

/* install and apply list results; reset adds one to a service object */
function resultsOf(data) {
	if (Array.isArray(data.results))
		return data.results;
	const result = data.result;
	if (Array.isArray(result))
		return result;
	if (result && Array.isArray(result.results))
		return result.results;
	if (result && typeof result === 'object')
		return [Object.assign({ service: data.service }, result)];
	return [];
}

function resultShow(title, answer, opener) {
	const list = clear($('result-list'));
	const findings = clear($('result-findings'));
	const summary = $('result-summary');

	$('result-title').textContent = title;
	/* the envelope's reason is a bare "OK" on success */
	summary.textContent = ok(answer) ?
	    'Done: every service below has the new certificate.' :
	    answer.meta.reason || '';
	summary.className = ok(answer) ? 'summary-ok' : 'summary-bad';
	$('result-dialog').dataset.result = ok(answer) ? 'ok' : 'failed';
	for (const r of resultsOf(answer.data || {}))
		list.append(resultItem(r));
	for (const f of (answer.data || {}).findings || [])
		findings.append(findingItem(f));
	dialogOpen($('result-dialog'), opener);
	$('result-close').focus();
}

function resultItem(r) {
	const verified = Number(r.verified) === 1;

	return el('li', { class: 'result result-' + r.status,
	    'data-service': r.service, 'data-status': r.status,
	    'data-verified': verified ? '1' : '0' },
	    el('strong', { text: serviceLabel(r.service) }),
	    el('span', { class: 'result-text', text: resultText(r) }),
	    r.message && r.status !== 'ok' ?
	    el('span', { class: 'result-message', text: r.message }) : null,
	    r.new_fingerprint && r.status === 'ok' ?
	    el('code', { class: 'fingerprint', text: r.new_fingerprint }) :
	    null);
}

function resultText(r) {
	switch (r.status) {
	case 'ok':
		return Number(r.verified) === 1 ?
		    'Installed and verified: the daemon serves the new ' +
		    'certificate.' :
		    'Installed, but not verified: ' + (r.message || '');
	case 'rolled-back':
		return 'Rolled back: the previous certificate is in service ' +
		    'again.';
	case 'rollback-failed':
		return 'Rollback failed: check the service now.';
	case 'refused':
		return 'Not installed.';
	default:
		return r.status || '';
	}
}

/* ------------------------------------------------------------------ */
/* Wiring */

/* An unexpected failure in a handler must still reach the user. */
function guard(handler) {
	return async function (event) {
		try {
			await handler(event);
		} catch (e) {
			if (!(e instanceof Interrupted))
				alertShow('The page failed: ' + e.message +
				    '. Reload it and try again.');
		}
	};
}

function wire() {
	$('login-form').addEventListener('submit', guard(loginSubmit));
	$('logout').addEventListener('click', guard(logout));
	$('refresh').addEventListener('click', guard(pageLoad));
	$('install-open').addEventListener('click',
	    () => installOpen('new'));
	$('install-cancel').addEventListener('click',
	    () => installClose(true));
	$('install-submit').addEventListener('click', guard(installSubmit));
	$('reset-confirm').addEventListener('click', guard(resetConfirm));
	for (const id of ['install-crt', 'install-key', 'install-cabundle'])
		$(id).addEventListener('input', validationSchedule);
	for (const dialog of document.querySelectorAll('dialog'))
		dialog.addEventListener('close', dialogClosed);
	for (const button of document.querySelectorAll('[data-close]')) {
		button.addEventListener('click',
		    () => button.closest('dialog').close());
	}
}

document.addEventListener('DOMContentLoaded', () => {
	wire();
	guard(whoamiCheck)();
});

})();
