// The demo page: one EventSource per "Connect", the browser's own reconnect with Last-Event-ID,
// and a form that publishes through the REST API. Plain JavaScript, no build step.
(function () {
    'use strict';

    var $ = function (id) { return document.getElementById(id); };
    var source = null;
    var reconnects = 0;
    var opened = false;
    var retryTimer = null;
    var listening = {};
    var CONTROL = ['connected', 'replaced', 'reset', 'server-shutdown', 'token-expired'];
    // The id of the last event before the token expired: the next connect resumes after it.
    var resumeAfter = null;

    function setState(state, text) {
        $('state').dataset.state = state;
        $('state').textContent = text || state;
    }

    function show(event, name, control) {
        var item = document.createElement('li');
        item.dataset.id = event.lastEventId || '';
        item.dataset.event = name;
        if (control) {
            item.className = 'control';
        }
        var label = document.createElement('span');
        label.className = 'name';
        label.textContent = name;
        item.appendChild(label);
        item.appendChild(document.createTextNode(' ' + new Date().toLocaleTimeString()
            + (event.lastEventId ? ' #' + event.lastEventId : '') + '\n'));
        var data = document.createElement('span');
        data.className = 'data';
        data.textContent = event.data;
        item.appendChild(data);
        $('events').insertBefore(item, $('events').firstChild);
        if (event.lastEventId) {
            $('lastEventId').textContent = event.lastEventId;
        }
    }

    function listen(name) {
        if (!source || listening[name]) {
            return;
        }
        listening[name] = true;
        source.addEventListener(name, function (event) { show(event, name, false); });
    }

    function streamUrl() {
        var query = $('topics').value.split(',').map(function (topic) { return topic.trim(); })
            .filter(function (topic) { return topic; })
            .map(function (topic) { return 'topic=' + encodeURIComponent(topic); });
        var token = $('token').value.trim();
        if (token) {
            query.push('access_token=' + encodeURIComponent(token));
        }
        if (resumeAfter) {
            // A new EventSource starts without Last-Event-ID: the query form carries it.
            query.push('lastEventId=' + encodeURIComponent(resumeAfter));
        }
        var url = '/sse/connect/' + encodeURIComponent($('userId').value.trim());
        return query.length ? url + '?' + query.join('&') : url;
    }

    function connect() {
        disconnect();
        reconnects = 0;
        $('reconnects').textContent = '0';
        open();
    }

    function open() {
        opened = false;
        listening = {};
        setState('connecting');
        source = new EventSource(streamUrl());
        source.onopen = function () {
            resumeAfter = null;
            if (opened) {
                reconnects++;
                $('reconnects').textContent = String(reconnects);
            }
            opened = true;
            setState('open', 'open');
        };
        source.onmessage = function (event) { show(event, 'message', false); };
        source.addEventListener('connected', function (event) {
            show(event, 'connected', true);
            try {
                var connected = JSON.parse(event.data);
                $('node').textContent = connected.node;
                $('listening').textContent = (connected.topics || []).join(', ') || '-';
            } catch (ignored) {
                $('node').textContent = '?';
            }
        });
        source.addEventListener('server-shutdown', function (event) {
            show(event, 'server-shutdown', true);
            setState('reconnecting', 'node stopping: reconnecting');
        });
        source.addEventListener('replaced', function (event) {
            show(event, 'replaced', true);
            setState('closed', 'replaced by a newer connection');
            source.close();
        });
        source.addEventListener('reset', function (event) { show(event, 'reset', true); });
        source.addEventListener('token-expired', function (event) {
            show(event, 'token-expired', true);
            // The browser would reconnect with the same, expired token: close, and resume with a new one.
            source.close();
            var last = $('lastEventId').textContent.trim();
            resumeAfter = last && last !== '-' ? last : null;
            setState('expired', 'token expired: enter a new token and Reconnect (nothing is missed)');
        });
        CONTROL.forEach(function (name) { listening[name] = true; });
        source.onerror = function () {
            if (source.readyState === EventSource.CONNECTING) {
                setState('reconnecting');
            } else {
                // Closed for good: the server answered something other than a stream. Ask it why.
                diagnose();
            }
        };
        $('connect').textContent = 'Reconnect';
        $('disconnect').disabled = false;
    }

    function diagnose() {
        var controller = new AbortController();
        fetch(streamUrl(), { headers: { Accept: 'text/event-stream' }, signal: controller.signal })
            .then(function (response) {
                if (response.ok) {
                    controller.abort();
                    open();
                    return;
                }
                return response.json().then(function (body) {
                    setState('refused', 'refused (' + response.status + '): ' + body.error);
                    var retryAfter = Number(response.headers.get('Retry-After'));
                    if (response.status === 503 && retryAfter > 0) {
                        retryTimer = setTimeout(open, retryAfter * 1000);
                    }
                });
            })
            .catch(function () {
                setState('reconnecting', 'server unreachable: retrying');
                retryTimer = setTimeout(open, 3000);
            });
    }

    function disconnect() {
        clearTimeout(retryTimer);
        if (source) {
            source.close();
            source = null;
        }
        setState('idle', 'not connected');
        $('disconnect').disabled = true;
        $('connect').textContent = 'Connect';
    }

    function publish() {
        var user = $('publishUser').value.trim();
        var target = $('publishTarget').value;
        var name = $('publishEvent').value.trim();
        var body = { data: $('publishData').value };
        if (name) {
            body.event = name;
            listen(name);
        }
        var headers = { 'Content-Type': 'application/json' };
        var token = $('publishToken').value.trim();
        if (token) {
            headers.Authorization = 'Bearer ' + token;
        }
        // A topic keeps its slashes in the path: /sse/topics/orders/42.
        var topicPath = $('publishTopic').value.trim().split('/').map(encodeURIComponent).join('/');
        var url = target === 'user' ? '/sse/send/' + encodeURIComponent(user)
            : target === 'topic' ? '/sse/topics/' + topicPath : '/sse/broadcast';
        $('publishResult').textContent = 'publishing...';
        fetch(url, { method: 'POST', headers: headers, body: JSON.stringify(body) })
            .then(function (response) {
                return response.json().then(function (answer) {
                    $('publishResult').textContent = response.status === 202
                        ? 'accepted: ' + answer.id
                        : 'refused (' + response.status + '): ' + answer.error;
                });
            })
            .catch(function (error) { $('publishResult').textContent = 'failed: ' + error; });
    }

    $('subscribe').addEventListener('submit', function (event) { event.preventDefault(); connect(); });
    $('disconnect').addEventListener('click', disconnect);
    $('publish').addEventListener('submit', function (event) { event.preventDefault(); publish(); });
    $('publishTarget').addEventListener('change', function () {
        $('publishUser').disabled = $('publishTarget').value !== 'user';
        $('publishTopic').disabled = $('publishTarget').value !== 'topic';
    });
    $('publishUser').disabled = true;
    $('publishTopic').disabled = true;
    // ?user=alice&topics=orders/42,tenants/acme/*&token=... connects at once.
    var params = new URLSearchParams(location.search);
    if (params.get('user')) {
        $('userId').value = params.get('user');
        $('topics').value = params.get('topics') || '';
        if (params.get('token')) {
            $('token').value = params.get('token');
        }
        connect();
    }
}());
