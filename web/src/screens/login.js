// login.js - the sign-in screen (POST /api/v1/session), with the language switch.
import { useState } from 'preact/hooks';
import { html } from '../html.js';
import { api } from '../api.js';
import { t, LANGS } from '../i18n/index.js';
import { useApp } from '../app-context.js';
import { ErrorBanner } from '../components/ui.js';

export function Login({ onLoggedIn, bootError }) {
  const app = useApp();
  const [login, setLogin] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState(bootError || null);
  const [busy, setBusy] = useState(false);

  const submit = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api.post('/session', { login, password }, undefined);
      await onLoggedIn();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return html`<div class="login-page">
    <div class="login-aside">
      <div class="brand brand-large"><span class="brand-mark" aria-hidden="true">S</span>
        <span class="brand-text"><strong>salespm</strong><small>${t('app.tagline')}</small></span></div>
      <h2>${t('login.pitch')}</h2>
      <ol class="steps-list">
        ${['goals', 'strategy', 'team', 'execution', 'monitoring', 'adjustment', 'evaluation'].map(
          (s) => html`<li>${t('steps.' + s)}</li>`)}
      </ol>
    </div>
    <div class="login-panel">
      <div class="login-lang">
        <select id="lang-select" aria-label=${t('header.language')} value=${app.lang}
          onChange=${(e) => app.setLang(e.currentTarget.value)}>
          ${LANGS.map((l) => html`<option value=${l.code}>${l.label}</option>`)}
        </select>
      </div>
      <form class="login-form" onSubmit=${submit}>
        <h1>${t('login.title')}</h1>
        <p class="muted">${t('login.subtitle')}</p>
        <${ErrorBanner} error=${error} />
        <label class="field"><span class="field-label">${t('login.login')}</span>
          <input name="login" autocomplete="username" required value=${login}
            onInput=${(e) => setLogin(e.currentTarget.value)} /></label>
        <label class="field"><span class="field-label">${t('login.password')}</span>
          <input name="password" type="password" autocomplete="current-password" required value=${password}
            onInput=${(e) => setPassword(e.currentTarget.value)} /></label>
        <button class="btn btn-primary btn-block" type="submit" disabled=${busy}>
          ${busy ? t('login.signing_in') : t('login.submit')}</button>
      </form>
    </div>
  </div>`;
}
